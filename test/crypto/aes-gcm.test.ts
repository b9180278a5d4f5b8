import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openAesGcm, sealAesGcm } from "../../src/crypto/index.js";
import { expectDecryptionFailure } from "./tamper.js";

describe("AES-256-GCM seal/open", () => {
  const key = randomBytes(32);
  const aad = Buffer.from("context");

  it("round trips and lays out iv(12) || ciphertext || tag(16)", () => {
    const plaintext = Buffer.from("hello");
    const sealed = sealAesGcm(key, plaintext, aad);
    expect(sealed.length).toBe(12 + plaintext.length + 16);
    expect(openAesGcm(key, sealed, aad).equals(plaintext)).toBe(true);
  });

  it("round trips an empty plaintext", () => {
    const sealed = sealAesGcm(key, Buffer.alloc(0), aad);
    expect(sealed.length).toBe(28);
    expect(openAesGcm(key, sealed, aad).length).toBe(0);
  });

  it("refuses another key, another AAD and input shorter than iv + tag", () => {
    const sealed = sealAesGcm(key, Buffer.from("hello"), aad);
    expectDecryptionFailure(() => openAesGcm(randomBytes(32), sealed, aad));
    expectDecryptionFailure(() => openAesGcm(key, sealed, Buffer.from("other")));
    expectDecryptionFailure(() => openAesGcm(key, sealed.subarray(0, 27), aad));
    expectDecryptionFailure(() => openAesGcm(key, Buffer.alloc(0), aad));
    // A truncated tag must not be accepted as a shorter GCM tag.
    expectDecryptionFailure(() => openAesGcm(key, sealed.subarray(0, sealed.length - 4), aad));
  });

  it("refuses keys that are not 32 bytes", () => {
    expect(() => sealAesGcm(randomBytes(16), Buffer.from("x"), aad)).toThrow(RangeError);
    expect(() => sealAesGcm(randomBytes(33), Buffer.from("x"), aad)).toThrow(RangeError);
  });
});
