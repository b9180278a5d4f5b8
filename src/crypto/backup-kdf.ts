import { scrypt } from "node:crypto";
import { validationError } from "../platform/errors.js";
import { BACKUP_PASSPHRASE_MIN } from "../shared/backup-passphrase.js";

/** scrypt's cost parameters as a backup header stores them (N as its base-2 logarithm). */
export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

/** OWASP's minimum for scrypt (Password Storage Cheat Sheet): N=2^17, r=8, p=1, about 128 MiB. */
export const DEFAULT_BACKUP_KDF: Readonly<ScryptParams> = Object.freeze({ log2N: 17, r: 8, p: 1 });

export const MIN_PASSPHRASE_CHARS = BACKUP_PASSPHRASE_MIN;
const KEY_BYTES = 32;

/*
 * Bounds on what a header may ask of the restorer. The parameters come from the file, so a
 * hostile one could otherwise ask for gigabytes of memory or hours of CPU before its first
 * byte is authenticated. Memory is capped at twice the default, work (N·r·p) at four times it.
 * The floor is low so tests can use cheap parameters; files we write use the default.
 */
const LOG2N_RANGE = [10, 20] as const;
const R_RANGE = [1, 32] as const;
const P_RANGE = [1, 16] as const;
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_WORK = 4 * 2 ** DEFAULT_BACKUP_KDF.log2N * DEFAULT_BACKUP_KDF.r * DEFAULT_BACKUP_KDF.p;

/** What OpenSSL's scrypt allocates (B: 128·r·p, V: 128·r·(N+2)); also passed as maxmem. */
export function scryptMemoryBytes({ log2N, r, p }: ScryptParams): number {
  return 128 * r * (2 ** log2N + 2 + p);
}

const within = (value: number, [min, max]: readonly [number, number]) => Number.isInteger(value) && value >= min && value <= max;

/** Why `params` are refused, or undefined when they are within bounds. */
export function kdfParamsProblem(params: ScryptParams): string | undefined {
  const { log2N, r, p } = params;
  if (!within(log2N, LOG2N_RANGE) || !within(r, R_RANGE) || !within(p, P_RANGE)) {
    return `key derivation parameters out of bounds (scrypt log2(N)=${log2N}, r=${r}, p=${p})`;
  }
  if (scryptMemoryBytes(params) > MAX_MEMORY_BYTES) return `key derivation would need ${Math.ceil(scryptMemoryBytes(params) / 2 ** 20)} MiB`;
  if (2 ** log2N * r * p > MAX_WORK) return `key derivation too costly (scrypt log2(N)=${log2N}, r=${r}, p=${p})`;
  return undefined;
}

/**
 * The passphrase as bytes: NFC first, so the same passphrase typed where the keyboard composes
 * "é" as one code point or two derives the same key.
 */
function passphraseBytes(passphrase: string): Buffer {
  return Buffer.from(passphrase.normalize("NFC"), "utf8");
}

/** Refuses a passphrase too short to protect a file anyone holding it can attack offline. */
export function assertBackupPassphrase(passphrase: string): void {
  if ([...passphrase.normalize("NFC")].length < MIN_PASSPHRASE_CHARS) {
    throw validationError(`The backup passphrase must be at least ${MIN_PASSPHRASE_CHARS} characters long`);
  }
}

/** The file key: scrypt of the passphrase, run once per file (in libuv's pool: it takes ~1 s). */
export async function deriveBackupKey(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const problem = kdfParamsProblem(params);
  // Callers check the header first; reaching here out of bounds is a programming error.
  if (problem) throw new RangeError(problem);
  const secret = passphraseBytes(passphrase);
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const { log2N, r, p } = params;
      scrypt(secret, salt, KEY_BYTES, { N: 2 ** log2N, r, p, maxmem: scryptMemoryBytes(params) }, (err, key) => (err ? reject(err) : resolve(key)));
    });
  } finally {
    secret.fill(0);
  }
}
