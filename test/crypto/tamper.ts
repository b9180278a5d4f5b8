import { expect } from "vitest";
import { DecryptionError } from "../../src/crypto/index.js";

/** Asserts the call fails with the generic DecryptionError and nothing more specific. */
export function expectDecryptionFailure(run: () => unknown): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DecryptionError);
  expect((caught as Error).message).toBe("Decryption failed");
}

/** Every copy of `bytes` with exactly one bit flipped, labelled by position for failure output. */
export function* singleBitFlips(bytes: Buffer): Generator<{ position: number; bit: number; flipped: Buffer }> {
  for (let position = 0; position < bytes.length; position++) {
    for (let bit = 0; bit < 8; bit++) {
      const flipped = Buffer.from(bytes);
      flipped[position] ^= 1 << bit;
      yield { position, bit, flipped };
    }
  }
}

/** Every copy of a base64url payload with one character replaced by another alphabet character. */
export function* singleCharSubstitutions(text: string): Generator<{ position: number; changed: string }> {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (let position = 0; position < text.length; position++) {
    for (const char of alphabet) {
      if (char === text[position]) continue;
      yield { position, changed: text.slice(0, position) + char + text.slice(position + 1) };
    }
  }
}
