// Builds what `npm start` serves: the server (tsc → dist/src) and, when present, the web app (vite → dist/web).
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";

const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" });
const started = Date.now();
rmSync("dist/src", { recursive: true, force: true });
run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"]);
if (existsSync("vite.config.ts")) run(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "warn"]);
console.log(`build finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
