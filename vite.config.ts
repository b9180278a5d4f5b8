import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const API_TARGET = "http://127.0.0.1:3000";
// better-auth accepts cookie requests only from the public URL; the dev server speaks for it.
const PUBLIC_URL = process.env.KEYHAVEN_PUBLIC_URL ?? "http://localhost:3000";

// The SPA lives in web/ and is built into dist/web, which the Keyhaven server serves.
// Everything is bundled (fonts, icons): the production CSP allows only 'self'.
export default defineConfig({
  root: "web",
  publicDir: "public",
  plugins: [react()],
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    // Fonts as files rather than data: URLs; they cache better.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      "/api": {
        target: API_TARGET,
        configure: (proxy) => {
          proxy.on("proxyReq", (req) => {
            if (req.getHeader("origin")) req.setHeader("origin", PUBLIC_URL);
          });
        },
      },
    },
  },
});
