/**
 * The backup's output file (platform/atomic-output.ts): a stream that fails part-way, or a
 * failure after the bytes are on disk, removes the partial file and leaves FILE as it was —
 * absent, or the previous backup when replacing one.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { writeFileAtomically } from "../../src/platform/atomic-output.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyhaven-atomic-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const never = (): never => {
  throw new Error("no signal expected");
};

async function* failingAfter(pieces: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < pieces; i++) yield Buffer.alloc(64 * 1024, i);
  throw new Error("ENOSPC-like failure");
}

const leftovers = () => fs.readdirSync(dir).filter((f) => f.includes(".partial-"));

describe("writeFileAtomically", () => {
  it("writes the whole file under its name, 0600, and leaves no partial file", async () => {
    const file = path.join(dir, "ok.bin");
    const { bytes } = await writeFileAtomically(file, Readable.from([Buffer.from("abc"), Buffer.from("def")]), { replace: false, onSignal: never });
    expect(bytes).toBe(6);
    expect(fs.readFileSync(file, "utf8")).toBe("abcdef");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
  });

  it("a stream failing part-way leaves nothing: no file, no partial file", async () => {
    const file = path.join(dir, "broken.bin");
    await expect(writeFileAtomically(file, Readable.from(failingAfter(8)), { replace: false, onSignal: never })).rejects.toThrow("ENOSPC-like failure");
    expect(fs.existsSync(file)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it("an existing file is never replaced by a broken one, even with replace", async () => {
    const file = path.join(dir, "previous.bin");
    fs.writeFileSync(file, "the previous backup");
    await expect(writeFileAtomically(file, Readable.from(failingAfter(3)), { replace: true, onSignal: never })).rejects.toThrow();
    await expect(
      writeFileAtomically(file, Readable.from([Buffer.from("whole")]), {
        replace: true,
        onSignal: never,
        beforeRename: async () => {
          throw new Error("the audit event could not be written");
        },
      }),
    ).rejects.toThrow("the audit event could not be written");
    expect(fs.readFileSync(file, "utf8")).toBe("the previous backup");
    expect(leftovers()).toEqual([]);
  });

  it("without replace, a file that appeared meanwhile is kept", async () => {
    const file = path.join(dir, "raced.bin");
    const result = writeFileAtomically(file, Readable.from([Buffer.from("new")]), {
      replace: false,
      onSignal: never,
      beforeRename: async () => fs.writeFileSync(file, "someone else's"),
    });
    await expect(result).rejects.toMatchObject({ code: "EEXIST" });
    expect(fs.readFileSync(file, "utf8")).toBe("someone else's");
    expect(leftovers()).toEqual([]);
  });
});
