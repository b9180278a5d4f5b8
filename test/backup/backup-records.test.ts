import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  decodeRecords,
  encodeRecords,
  MAX_RECORD_BYTES,
  RECORDS_FORMAT_VERSION,
  type BackupDataRecord,
  type BackupRecord,
} from "../../src/backup/backup-records.js";
import { BackupFormatError, createBackupDecryptor, createBackupEncryptor, type BackupFormatFailure } from "../../src/crypto/index.js";
import { FAST_KDF, PASSPHRASE, piecesOf } from "../crypto/backup-streams.js";

const source = { dialect: "sqlite", keyhavenVersion: "0.1.0" };
const createdAt = new Date("2026-11-29T12:00:00.000Z");

const sampleRecords: BackupDataRecord[] = [
  { kind: "user", id: "usr_1", email: "ada@example.com" },
  { kind: "api_key", id: "key_1", name: "line\nbreak\r\u2028\u2029 and \"quotes\"", secret: "kh2.abc" },
  { kind: "api_key", id: "key_2", name: "clé 🔑 密钥", nested: { list: [1, null, true], empty: {} } },
  { kind: "constructor", note: "kinds are any string, even Object.prototype's names" },
  { kind: "__proto__", note: "and this one" },
];

async function bytesOf(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

async function encoded(records: Iterable<BackupDataRecord> = sampleRecords, counts?: Record<string, number>): Promise<Buffer> {
  return bytesOf(encodeRecords(records, { source, createdAt, counts }));
}

/** Every record decoded, and the failure if there was one (what was yielded before it is kept). */
async function decodeAll(bytes: Buffer | AsyncIterable<Buffer>, pieceSize = 1000): Promise<{ records: BackupRecord[]; error?: unknown }> {
  const records: BackupRecord[] = [];
  try {
    for await (const record of decodeRecords(Buffer.isBuffer(bytes) ? Readable.from(piecesOf(bytes, pieceSize)) : bytes)) records.push(record);
    return { records };
  } catch (error) {
    return { records, error };
  }
}

function expectRefused(result: { records: BackupRecord[]; error?: unknown }, reason: BackupFormatFailure, label?: string): void {
  expect(result.error, label).toBeInstanceOf(BackupFormatError);
  expect((result.error as BackupFormatError).reason, `${label}: ${(result.error as Error).message}`).toBe(reason);
  // A refused file never gets as far as its end record: a restore never reaches its commit.
  expect(result.records.some((r) => r.kind === "end"), label).toBe(false);
}

const lines = (bytes: Buffer) => bytes.toString("utf8").split("\n");

describe("backup records: framing", () => {
  it("writes one JSON object per line: the header record, the records, the end record with counts", async () => {
    const bytes = await encoded();
    const text = lines(bytes);
    expect(text.at(-1)).toBe("");
    expect(text.length).toBe(sampleRecords.length + 3);
    expect(JSON.parse(text[0])).toEqual({ kind: "keyhaven-backup", formatVersion: RECORDS_FORMAT_VERSION, createdAt: "2026-11-29T12:00:00.000Z", source });
    expect(JSON.parse(text.at(-2)!)).toEqual({ kind: "end", counts: { user: 1, api_key: 2, constructor: 1, ["__proto__"]: 1 } });
  });

  it.each([1, 3, 1000, 1 << 20])("round trips the records exactly, read in pieces of %i bytes", async (pieceSize) => {
    const { records, error } = await decodeAll(await encoded(), pieceSize);
    expect(error).toBeUndefined();
    expect(records[0]).toMatchObject({ kind: "keyhaven-backup", source, createdAt: createdAt.toISOString() });
    expect(records.slice(1, -1)).toEqual(sampleRecords);
    expect(records.at(-1)?.kind).toBe("end");
  });

  it("round trips an empty backup, and many records over many batches, from an async source", async () => {
    expect((await decodeAll(await encoded([]))).records.map((r) => r.kind)).toEqual(["keyhaven-backup", "end"]);
    async function* many() {
      for (let i = 0; i < 20_000; i++) yield { kind: i % 3 ? "api_key" : "user", id: `id_${i}`, pad: "x".repeat(i % 50) };
    }
    const bytes = await bytesOf(encodeRecords(many(), { source, counts: { user: 6667, api_key: 13_333, team: 0 } }));
    const { records, error } = await decodeAll(bytes, 4096);
    expect(error).toBeUndefined();
    expect(records.length).toBe(20_002);
    expect(records[20_000]).toMatchObject({ kind: "api_key", id: "id_19999" });
    // The header's announced counts (a kind with none included) are checked against the end.
    expect(records[0]).toMatchObject({ counts: { user: 6667, api_key: 13_333, team: 0 } });
  });

  it("round trips through the encrypted file format", async () => {
    const file = await bytesOf(encodeRecords(sampleRecords, { source }).pipe(createBackupEncryptor(PASSPHRASE, { kdf: FAST_KDF, chunkSize: 64 })));
    const { records, error } = await decodeAll(Readable.from(piecesOf(file, 100)).pipe(createBackupDecryptor(PASSPHRASE)));
    expect(error).toBeUndefined();
    expect(records.slice(1, -1)).toEqual(sampleRecords);
  });

  it("refuses, when writing, a record without a kind of its own, and counts announced wrongly", async () => {
    for (const bad of [{ id: 1 }, { kind: "" }, { kind: 7 }, { kind: "end", counts: {} }, { kind: "keyhaven-backup" }, ["array"], null]) {
      await expect(bytesOf(encodeRecords([bad as unknown as BackupDataRecord], { source }))).rejects.toThrow(TypeError);
    }
    await expect(bytesOf(encodeRecords(sampleRecords, { source, counts: { user: 2 } }))).rejects.toThrow(/counts/);
  });
});

describe("backup records: what a restore refuses", () => {
  it("refuses records that stop before the end record as truncated, cut at any line or inside one", async () => {
    const bytes = await encoded();
    const endStart = bytes.lastIndexOf("{", bytes.length - 2);
    for (let length = bytes.indexOf("\n") + 1; length < bytes.length; length++) {
      const result = await decodeAll(bytes.subarray(0, length));
      // Even a last line that parses (the end record without its "\n") counts as cut.
      expectRefused(result, "truncated", `cut at ${length}`);
      if (length <= endStart) continue;
      expect(result.records.length).toBe(sampleRecords.length + 1);
    }
    // Cut inside the first record: no first line that says what the file is.
    expectRefused(await decodeAll(bytes.subarray(0, 10)), "not-a-backup");
  });

  it("refuses anything after the end record, without yielding the end record", async () => {
    const bytes = await encoded();
    for (const extra of ['{"kind":"user","id":"usr_2"}\n', "\n", " ", '{"kind":"end","counts":{}}\n']) {
      expectRefused(await decodeAll(Buffer.concat([bytes, Buffer.from(extra)])), "tampered", JSON.stringify(extra));
    }
  });

  it("refuses end counts that do not match the records, and records not matching the header's counts", async () => {
    const text = lines(await encoded());
    const withLine = (index: number, line: string) => Buffer.from(text.map((l, i) => (i === index ? line : l)).join("\n"));
    const end = text.length - 2;
    const cases: Record<string, Buffer> = {
      "a record dropped": Buffer.from([...text.slice(0, 2), ...text.slice(3)].join("\n")),
      "a record duplicated": Buffer.from([...text.slice(0, 2), text[1], ...text.slice(2)].join("\n")),
      "end counts edited": withLine(end, '{"kind":"end","counts":{"user":1,"api_key":3,"constructor":1,"__proto__":1}}'),
      "end counts missing": withLine(end, '{"kind":"end"}'),
      "end counts not numbers": withLine(end, '{"kind":"end","counts":{"user":"1"}}'),
      "header counts wrong": withLine(0, JSON.stringify({ ...JSON.parse(text[0]), counts: { user: 5 } })),
    };
    for (const [label, bytes] of Object.entries(cases)) expectRefused(await decodeAll(bytes), "tampered", label);
  });

  it("refuses a second header, lines that are not JSON objects with a kind, and invalid UTF-8", async () => {
    const text = lines(await encoded());
    const inserted = (line: string | Buffer) => Buffer.concat([Buffer.from(`${text[0]}\n`), Buffer.from(line), Buffer.from(`\n${text.slice(1).join("\n")}`)]);
    const cases: Record<string, Buffer> = {
      "a second header": inserted(text[0]),
      "not JSON": inserted("{kind: user}"),
      "an empty line": inserted(""),
      "an array": inserted('["user"]'),
      "a number": inserted("42"),
      "no kind": inserted('{"id":"x"}'),
      "an empty kind": inserted('{"kind":""}'),
      "invalid UTF-8": inserted(Buffer.from([0x7b, 0x22, 0x6b, 0xff, 0xfe, 0x7d])),
    };
    for (const [label, bytes] of Object.entries(cases)) expectRefused(await decodeAll(bytes), "tampered", label);
  });

  it("refuses a record longer than the limit without holding more than it", async () => {
    async function* endless() {
      yield Buffer.from('{"kind":"keyhaven-backup"');
      for (let sent = 0; sent <= MAX_RECORD_BYTES; sent += 1 << 20) yield Buffer.alloc(1 << 20, 0x20);
      throw new Error("read past the limit");
    }
    expectRefused(await decodeAll(endless()), "tampered");
  });

  it("refuses what is not a backup, and a backup from a newer records format", async () => {
    const header = JSON.parse(lines(await encoded())[0]);
    const cases: Record<string, [Buffer, BackupFormatFailure]> = {
      empty: [Buffer.alloc(0), "not-a-backup"],
      text: [Buffer.from("hello\n"), "not-a-backup"],
      "another JSON first": [Buffer.from('{"kind":"user"}\n{"kind":"end","counts":{"user":1}}\n'), "not-a-backup"],
      "a header without a source": [Buffer.from(`${JSON.stringify({ ...header, source: undefined })}\n`), "tampered"],
      "a header of format 0": [Buffer.from(`${JSON.stringify({ ...header, formatVersion: 0 })}\n`), "tampered"],
      "a newer format": [Buffer.from(`${JSON.stringify({ ...header, formatVersion: 2, newField: [] })}\nanything\n`), "newer-version"],
    };
    for (const [label, [bytes, reason]] of Object.entries(cases)) expectRefused(await decodeAll(bytes), reason, label);
    const newer = await decodeAll(cases["a newer format"][0]);
    expect((newer.error as Error).message).toBe("This backup was written by a newer Keyhaven (format 2); upgrade to restore it");
  });
});
