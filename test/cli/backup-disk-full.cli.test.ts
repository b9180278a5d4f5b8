/**
 * A disk that fills up while `keyhaven backup` writes: exit 1, one line naming the cause and the
 * file, no stack trace, and nothing left in the directory — no file under the final name, no
 * partial file either, and no backup.export event (it is recorded only for a finished file).
 *
 * How the disk fills: the backup's directory is a 1 MiB tmpfs mounted for the child alone, in a
 * mount namespace of its own (`unshare -rm`: a user namespace maps the caller to root inside it,
 * so no privileges are needed where unprivileged user namespaces are allowed — this machine and
 * CI's, as root or not). The mount exists only inside that namespace, so the wrapper lists the
 * directory after the CLI exits into a file outside it. Where user namespaces are refused, the
 * file size limit stands in (`ulimit -f`, RLIMIT_FSIZE): Node ignores SIGXFSZ, so the write fails
 * with EFBIG on the same path — not a real ENOSPC, and the test title says which one ran.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { seedOwners } from "../keys/rotation-fixtures.js";
import { cliEnv, expectStartupFailure, killAll, removeTempDirs, runCli, tempDir } from "../startup/run-cli.js";

const PASSPHRASE = "a long backup passphrase, twelve+";
/** About 3 MB of backup: three times the room there is. */
const OWNERS = 2_500;
const ROOM = "1m";

/** Runs `"$@"` (the CLI) with $1 the backup directory, $2 the file its listing is written to afterwards. */
const AFTER = 'dir=$1; listing=$2; shift 2; "$@"; code=$?; ls -A "$dir" > "$listing"; exit $code';
const TMPFS_WRAPPER = ["unshare", "-rm", "sh", "-c", `mount -t tmpfs -o size=${ROOM} keyhaven-full "$1" || exit 99; ${AFTER}`, "sh"];
const FSIZE_WRAPPER = ["sh", "-c", `ulimit -f 2048 || exit 99; ${AFTER}`, "sh"];

/** Whether this machine lets us mount a tmpfs in a namespace of our own. */
function tmpfsWorks(): boolean {
  const probe = tempDir("keyhaven-tmpfs-probe-");
  const r = spawnSync("unshare", ["-rm", "sh", "-c", 'mount -t tmpfs -o size=64k keyhaven-probe "$1"', "sh", probe], { encoding: "utf8" });
  return r.status === 0;
}

const realEnospc = tmpfsWorks();

describe(`keyhaven backup on a full disk (${realEnospc ? `a ${ROOM} tmpfs: ENOSPC` : "unshare refused: RLIMIT_FSIZE stands in, EFBIG"})`, () => {
  let source: TestDatabase;
  let dir: string;
  let passFile: string;

  beforeAll(async () => {
    dir = tempDir("keyhaven-disk-full-");
    passFile = path.join(dir, "passphrase");
    fs.writeFileSync(passFile, `${PASSPHRASE}\n`);
    source = createTestDatabase("sqlite");
    const rt = await source.runtime();
    await seedOwners(rt, OWNERS);
    await rt.close();
  });

  afterAll(async () => {
    await killAll();
    await source?.drop();
    removeTempDirs();
  });

  it("fails with one clear line and leaves no file, whole or partial", async () => {
    const full = path.join(dir, "full");
    fs.mkdirSync(full);
    const listing = path.join(dir, "listing");
    const out = path.join(full, "instance.khbackup");
    const env = cliEnv({ KEYHAVEN_DATA_DIR: source.dataDir, KEYHAVEN_MASTER_KEY: source.masterKey, LOG_LEVEL: "warn" });
    const r = await runCli(["backup", "--out", out, "--passphrase-file", passFile], {
      cwd: dir,
      env,
      timeoutMs: 90_000,
      wrapper: [...(realEnospc ? TMPFS_WRAPPER : FSIZE_WRAPPER), full, listing],
    });
    const cause = realEnospc ? "no space left on device" : "file too large for this process's file size limit \\(ulimit -f\\)";
    const line = expectStartupFailure(r, 1, new RegExp(`^keyhaven: ${cause} writing the backup ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}; no backup was written$`));
    expect(line).not.toContain(PASSPHRASE);
    // What the directory held once the CLI had exited (the tmpfs is gone with its namespace).
    expect(fs.readFileSync(listing, "utf8")).toBe("");
    expect(fs.existsSync(out)).toBe(false);

    const rt = await source.runtime();
    const exports = await rt.database.db.selectFrom("audit_events").select("seq").where("action", "=", "backup.export").execute();
    expect(exports).toEqual([]);
  });
});
