/**
 * Progress appears on a terminal only: on a pseudo-terminal (Python's pty; skipped without
 * python3) a slow answer shows the spinner after 1 s and import-env counts "1/3 …"; through a
 * pipe stderr stays empty.
 */
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeKey } from "../support/fake-provider.js";
import { cliEnv, ENTRY, killAll, removeTempDirs, tempDir } from "../startup/run-cli.js";
import { kh, startCliServer, type CliServer } from "./cli-server.js";

const PTY_RUN = fileURLToPath(new URL("./fixtures/pty-run.py", import.meta.url));
const hasPython = spawnSync("python3", ["-c", "import pty"]).status === 0;

let s: CliServer;
let env: Record<string, string>;

beforeAll(async () => {
  s = await startCliServer();
  const user = await s.h.signUp();
  await s.h.createKey(user, { name: "slow", service: "openai", value: fakeKey("openai", "hang") });
  const { token } = await s.makeToken(user, ["keys:read", "keys:write"]);
  env = { KEYHAVEN_URL: s.url, KEYHAVEN_TOKEN: token };
});
afterAll(async () => {
  await killAll();
  await s?.close();
  removeTempDirs();
});

/** Runs keyhaven on a pseudo-terminal; everything it wrote (stdout and stderr are both the terminal). */
function onTerminal(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      "python3",
      [PTY_RUN, "", "", process.execPath, ENTRY, ...args],
      { env: cliEnv({ XDG_CONFIG_HOME: tempDir("keyhaven-xdg-"), ...env }), timeout: 90_000 },
      (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout }),
    );
  });
}

function envFile(): string {
  const file = path.join(tempDir("keyhaven-env-"), ".env");
  const aws = fakeKey("aws", "valid");
  fs.writeFileSync(
    file,
    `OPENAI_API_KEY=${fakeKey("openai", "valid")}\nXAI_API_KEY=${fakeKey("xai", "valid")}\nAWS_ACCESS_KEY_ID=${aws.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${aws.secretAccessKey}\n`,
  );
  return file;
}

describe.concurrent("progress on a terminal only", () => {
  it.skipIf(!hasPython)("a slow answer shows the spinner after a second, then clears it", async () => {
    const r = await onTerminal(["keys", "test", "slow"]);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(new RegExp(`[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] waiting for ${s.url.replace(/[.]/g, "\\.")}`));
    // Cleared before the result line.
    expect(r.out).toMatch(/\r\x1b\[2Kopenai key "slow": error: /);
  });

  it("through a pipe: no spinner, nothing on stderr", async () => {
    const r = await kh(["keys", "test", "slow"], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^openai key "slow": error: /);
    expect(r.stderr).toBe("");
  });

  it.skipIf(!hasPython)("import-env counts its keys on the terminal", async () => {
    const r = await onTerminal(["import-env", "--dry-run", envFile()]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("1/3 OPENAI_API_KEY");
    expect(r.out).toContain("3/3 AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY");
  });

  it("import-env through a pipe prints results only", async () => {
    const r = await kh(["import-env", "--dry-run", envFile()], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("1/3");
    expect(r.stderr).toBe("");
  });
});
