/**
 * The records inside a backup: one JSON object per line (UTF-8, "\n"), framed by a first
 * record that says what the file is and a last one that counts what came between. The crypto
 * layer already refuses a cut file; the end record makes the plaintext say so on its own too,
 * so a body that stops without it is "truncated" however it was read.
 */
import { Readable } from "node:stream";
import { BackupFormatError } from "../crypto/backup-format-error.js";

/** The records format (what the lines mean), distinct from the file format around them. */
export const RECORDS_FORMAT_VERSION = 1;
const HEADER_KIND = "keyhaven-backup";
const END_KIND = "end";
/** A line longer than this is refused rather than buffered: no row we export comes near it. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
const BATCH_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/** Records of each kind, by kind. */
export type RecordCounts = Record<string, number>;

export interface BackupSource {
  /** The database the backup was taken from ("sqlite", "postgres"). */
  dialect: string;
  keyhavenVersion: string;
}

export interface BackupHeaderRecord {
  kind: typeof HEADER_KIND;
  formatVersion: number;
  /** ISO 8601. */
  createdAt: string;
  source: BackupSource;
  /** When given, what the end record must count: lets a restore show progress. */
  counts?: RecordCounts;
}

export interface BackupEndRecord {
  kind: typeof END_KIND;
  counts: RecordCounts;
}

/** A record of the backup's content; `kind` names the table or thing it holds. */
export interface BackupDataRecord {
  kind: string;
  [field: string]: unknown;
}

export type BackupRecord = BackupHeaderRecord | BackupDataRecord | BackupEndRecord;

export interface EncodeRecordsOptions {
  source: BackupSource;
  counts?: RecordCounts;
  createdAt?: Date;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isReservedKind = (kind: string) => kind === HEADER_KIND || kind === END_KIND;

/** Equal counts, a kind missing from one counting as 0 (a header's counts may come from COUNT queries). */
const sameCounts = (a: RecordCounts, b: RecordCounts) =>
  [...Object.keys(a), ...Object.keys(b)].every((kind) => countOf(a, kind) === countOf(b, kind));

// Own properties only: a kind may be any string, "constructor" or "__proto__" included.
const countOf = (counts: RecordCounts, kind: string) => (Object.hasOwn(counts, kind) ? counts[kind] : 0);
const newCounts = () => Object.create(null) as RecordCounts;

/**
 * The bytes of a backup's records: the header record, `records` one per line, then the end
 * record with their counts. A record without a string `kind`, or with a reserved one, is a
 * programming error and ends the stream; so do counts announced in the header that turn out
 * wrong, so no file is finished that its own restore would refuse.
 */
export function encodeRecords(records: AsyncIterable<BackupDataRecord> | Iterable<BackupDataRecord>, options: EncodeRecordsOptions): Readable {
  const header: BackupHeaderRecord = {
    kind: HEADER_KIND,
    formatVersion: RECORDS_FORMAT_VERSION,
    createdAt: (options.createdAt ?? new Date()).toISOString(),
    source: { dialect: options.source.dialect, keyhavenVersion: options.source.keyhavenVersion },
    ...(options.counts ? { counts: { ...options.counts } } : {}),
  };
  async function* lines(): AsyncGenerator<Buffer> {
    const counts = newCounts();
    let batch: string[] = [];
    let batchLength = 0;
    const add = (record: object) => {
      // JSON.stringify escapes every line break inside strings, so a record is always one line.
      const line = `${JSON.stringify(record)}\n`;
      batch.push(line);
      batchLength += line.length;
    };
    const flush = () => {
      const bytes = Buffer.from(batch.join(""), "utf8");
      batch = [];
      batchLength = 0;
      return bytes;
    };
    add(header);
    for await (const record of records) {
      if (!isPlainObject(record) || typeof record.kind !== "string" || record.kind === "" || isReservedKind(record.kind)) {
        throw new TypeError("A backup record must be an object with a kind of its own");
      }
      counts[record.kind] = countOf(counts, record.kind) + 1;
      add(record);
      if (batchLength >= BATCH_BYTES) yield flush();
    }
    if (header.counts && !sameCounts(header.counts, counts)) {
      throw new Error("Backup records do not match the counts announced in the header");
    }
    add({ kind: END_KIND, counts } satisfies BackupEndRecord);
    yield flush();
  }
  return Readable.from(lines(), { objectMode: false });
}

/** The lines of a byte stream, each without its "\n"; a last line without one comes flagged. */
async function* splitLines(bytes: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<{ line: Buffer; unterminated?: true }> {
  let partial: Buffer[] = [];
  let partialLength = 0;
  for await (const piece of bytes) {
    let buffer = typeof piece === "string" ? Buffer.from(piece, "utf8") : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    let newline: number;
    while ((newline = buffer.indexOf(NEWLINE)) !== -1) {
      if (partialLength + newline > MAX_RECORD_BYTES) throw new BackupFormatError("tampered", "a record is too long");
      yield { line: partial.length ? Buffer.concat([...partial, buffer.subarray(0, newline)]) : buffer.subarray(0, newline) };
      partial = [];
      partialLength = 0;
      buffer = buffer.subarray(newline + 1);
    }
    if (buffer.length) {
      partialLength += buffer.length;
      if (partialLength > MAX_RECORD_BYTES) throw new BackupFormatError("tampered", "a record is too long");
      partial.push(buffer);
    }
  }
  if (partialLength) yield { line: Buffer.concat(partial), unterminated: true };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function parseRecord(line: Buffer, position: number): BackupDataRecord {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(line));
  } catch {
    throw position === 0 ? new BackupFormatError("not-a-backup") : new BackupFormatError("tampered", `record ${position + 1} is not JSON`);
  }
  if (!isPlainObject(value) || typeof value.kind !== "string") {
    throw position === 0 ? new BackupFormatError("not-a-backup") : new BackupFormatError("tampered", `record ${position + 1} has no kind`);
  }
  return value as BackupDataRecord;
}

const isCounts = (value: unknown): value is RecordCounts =>
  isPlainObject(value) && Object.values(value).every((n) => Number.isSafeInteger(n) && (n as number) >= 0);

function checkHeader(record: BackupDataRecord): BackupHeaderRecord {
  if (record.kind !== HEADER_KIND) throw new BackupFormatError("not-a-backup");
  const { formatVersion, createdAt, source, counts } = record;
  if (typeof formatVersion === "number" && Number.isSafeInteger(formatVersion) && formatVersion > RECORDS_FORMAT_VERSION) {
    throw new BackupFormatError("newer-version", formatVersion);
  }
  const valid =
    formatVersion === RECORDS_FORMAT_VERSION &&
    typeof createdAt === "string" &&
    isPlainObject(source) &&
    typeof source.dialect === "string" &&
    typeof source.keyhavenVersion === "string" &&
    (counts === undefined || isCounts(counts));
  if (!valid) throw new BackupFormatError("tampered", "the first record is malformed");
  return record as unknown as BackupHeaderRecord;
}

/**
 * The records of a backup's plaintext, in order: the header record first, then the content,
 * then the end record, which is yielded only once the bytes have ended right after it and its
 * counts match what came before. So a restore that applies records as they come and commits
 * only when the loop finishes never commits a cut or padded file. Failures are BackupFormatErrors.
 */
export async function* decodeRecords(bytes: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<BackupRecord> {
  let header: BackupHeaderRecord | undefined;
  let end: BackupEndRecord | undefined;
  const counts = newCounts();
  let position = 0;
  for await (const { line, unterminated } of splitLines(bytes)) {
    if (end) throw new BackupFormatError("tampered", "data after the end record");
    // Every record is written with its "\n": a last line without one was cut, parsable or not.
    if (unterminated && header) throw new BackupFormatError("truncated", "the last record is cut short");
    const record = parseRecord(line, position);
    if (!header) {
      header = checkHeader(record);
      yield header;
    } else if (record.kind === END_KIND) {
      if (!isCounts(record.counts) || !sameCounts(record.counts, counts)) {
        throw new BackupFormatError("tampered", "the end record's counts do not match the records");
      }
      if (header.counts && !sameCounts(header.counts, counts)) {
        throw new BackupFormatError("tampered", "the records do not match the counts in the first record");
      }
      end = { kind: END_KIND, counts: record.counts };
    } else if (record.kind === HEADER_KIND || record.kind === "") {
      throw new BackupFormatError("tampered", `record ${position + 1} is out of place`);
    } else {
      counts[record.kind] = countOf(counts, record.kind) + 1;
      yield record;
    }
    position++;
  }
  if (!header) throw new BackupFormatError("not-a-backup");
  if (!end) throw new BackupFormatError("truncated", "the records stop before the end record");
  yield end;
}
