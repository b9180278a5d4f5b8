/** Serves the built SPA (dist/web) with an SPA fallback to index.html for client-side routes. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/** dist/web, found from this file whether it runs from src/http/routes or dist/src/http/routes. */
export function defaultWebDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = here.includes(`${path.sep}dist${path.sep}src${path.sep}`) ? path.resolve(here, "../../../..") : path.resolve(here, "../../..");
  return path.join(root, "dist", "web");
}

export function serveWebApp(app: Hono<AppEnv>, webDir = defaultWebDir()): void {
  const root = path.resolve(webDir);
  app.get("*", async (c, next) => {
    const indexFile = path.join(root, "index.html");
    if (!fs.existsSync(indexFile)) {
      return c.text("The web app is not built yet: run `npm run build` (npm start does it for you).", 503);
    }
    // c.req.path is already decoded by Hono; decoding again would turn %25 into a new escape.
    const requested = path.resolve(root, "." + c.req.path);
    // Never serve outside the web dir.
    const inside = requested === root || requested.startsWith(root + path.sep);
    const ext = path.extname(requested);
    if (inside && ext && fs.existsSync(requested) && fs.statSync(requested).isFile()) {
      const hashed = requested.includes(`${path.sep}assets${path.sep}`);
      c.header("Content-Type", TYPES[ext] ?? "application/octet-stream");
      c.header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
      return c.body(fs.readFileSync(requested));
    }
    if (ext && ext !== ".html") return next();
    c.header("Content-Type", TYPES[".html"]);
    c.header("Cache-Control", "no-cache");
    return c.body(fs.readFileSync(indexFile));
  });
}
