import { expect } from "vitest";
import { AppError } from "../../src/platform/errors.js";
import { mulberry32 } from "../support/prng.js";

/** Deterministic PRNG so a failing property case can be replayed. */
export const rng = mulberry32;

export const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
export const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
export const AWS_SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=";

export function randomString(next: () => number, alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

/** A fixed fake body of `length` URL-safe characters, with `-` and `_` in it. */
export function body(length: number, seed = 1): string {
  return randomString(rng(seed), URL_SAFE, length);
}

/** Runs `fn`, asserts it throws AppError `code`, and returns the error. */
export function catchAppError(fn: () => unknown, code: AppError["code"]): AppError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, "expected an AppError to be thrown").toBeInstanceOf(AppError);
  const err = caught as AppError;
  expect(err.code).toBe(code);
  return err;
}

/** The message must not quote the secret, in whole or in any 8-character piece. */
export function expectNotLeaked(message: string, secret: string): void {
  const s = secret.trim();
  // A bare prefix such as "sk-" is named by the message itself ("start with \"sk-\"").
  if (s.length < 6) return;
  expect(message).not.toContain(s);
  for (let i = 0; i + 8 <= s.length; i++) {
    expect(message, `message leaks "${s.slice(i, i + 8)}"`).not.toContain(s.slice(i, i + 8));
  }
}
