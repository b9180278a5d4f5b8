#!/usr/bin/env node
// Runs the compiled CLI; in a checkout without a build (or with KEYHAVEN_FROM_SOURCE=1) runs the TypeScript source via tsx.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const built = `${root}dist/src/cli/main.js`;
const source = `${root}src/cli/main.ts`;
let entry = built;
if (process.env.KEYHAVEN_FROM_SOURCE === "1" || !existsSync(built)) {
  if (!existsSync(source)) {
    process.stderr.write("keyhaven: the build is missing; run `npm run build`\n");
    process.exit(1);
  }
  const { register } = await import("tsx/esm/api");
  register();
  entry = source;
}
const { main } = await import(pathToFileURL(entry).href);
await main(process.argv.slice(2));
