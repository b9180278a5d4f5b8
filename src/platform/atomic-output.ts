/**
 * Writes a file so that its name only ever holds a whole file: the bytes go to
 * `FILE.partial-<random>` next to it (mode 0600), are flushed to disk, and only then renamed to
 * FILE. On any failure — a full disk, a broken stream, Ctrl-C or SIGTERM — the partial file is
 * removed and FILE is as it was (absent, or the previous file when replacing).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Streams `source` into a partial file next to `file`; `beforeRename` runs once the bytes are
 * on disk, with the partial file's path (to check it; a failure there still removes it).
 * `replace`: an existing FILE may be replaced. With `onSignal` (a command), SIGINT and SIGTERM
 * interrupt with it after the partial file is gone; without it (the server, which stops its own
 * writers by destroying `source`), signals are left to their owner.
 */
export async function writeFileAtomically(
  file: string,
  source: Readable,
  opts: { replace: boolean; onBytes?: (bytes: number) => void; beforeRename?: (partial: string) => Promise<void>; onSignal?: (signal: NodeJS.Signals) => never },
): Promise<{ bytes: number }> {
  const partial = path.join(path.dirname(file), `${path.basename(file)}.partial-${randomBytes(6).toString("hex")}`);
  const removePartial = () => {
    try {
      fs.unlinkSync(partial);
    } catch {
      // never created, or already gone
    }
  };
  const interrupted = opts.onSignal;
  const onSignal = (signal: NodeJS.Signals) => {
    source.destroy();
    removePartial();
    interrupted?.(signal);
  };
  if (interrupted) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
  let bytes = 0;
  try {
    // "wx": never follows or reuses an existing path; flush: fsync before the stream closes.
    const out = fs.createWriteStream(partial, { flags: "wx", mode: 0o600, flush: true });
    source.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      opts.onBytes?.(bytes);
    });
    await pipeline(source, out);
    await opts.beforeRename?.(partial);
    if (!opts.replace && fs.existsSync(file)) throw Object.assign(new Error(`${file} appeared while the backup was written`), { code: "EEXIST" });
    fs.renameSync(partial, file);
    await syncDirectory(path.dirname(file));
    return { bytes };
  } catch (err) {
    removePartial();
    throw err;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** The rename itself survives a crash only once the directory is flushed (where the platform allows). */
async function syncDirectory(dir: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Windows and some filesystems cannot fsync a directory: the file itself is flushed.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
