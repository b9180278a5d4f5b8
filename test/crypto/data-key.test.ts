import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createMasterKeyring,
  generateDataKey,
  kekVersionOf,
  unwrapDataKey,
  wrapDataKey,
  type OwnerRef,
} from "../../src/crypto/index.js";
import { expectDecryptionFailure, singleBitFlips, singleCharSubstitutions } from "./tamper.js";

const kek1 = randomBytes(32);
const keyring = createMasterKeyring([{ version: 1, key: kek1 }], 1);
const owner: OwnerRef = { type: "user", id: "usr_1" };

function parts(wrapped: string): { version: string; payload: Buffer } {
  const [, version, body] = wrapped.split(".");
  return { version, payload: Buffer.from(body, "base64url") };
}

describe("data key wrap", () => {
  it("generates distinct 32-byte data keys", () => {
    const a = generateDataKey();
    expect(a.length).toBe(32);
    expect(a.equals(generateDataKey())).toBe(false);
  });

  it("round trips and names the current master key version", () => {
    const dek = generateDataKey();
    const wrapped = wrapDataKey(keyring, owner, dek);
    expect(wrapped).toMatch(/^kh1\.1\.[A-Za-z0-9_-]+$/);
    expect(parts(wrapped).payload.length).toBe(12 + 32 + 16);
    expect(unwrapDataKey(keyring, owner, wrapped).equals(dek)).toBe(true);
    expect(kekVersionOf(wrapped)).toBe(1);
  });

  it("round trips owners with unicode and empty-ish ids", () => {
    for (const id of ["", " ", "équipe-🔑", "a.b.c", "x".repeat(10_000)]) {
      const teamOwner: OwnerRef = { type: "team", id };
      const dek = generateDataKey();
      expect(unwrapDataKey(keyring, teamOwner, wrapDataKey(keyring, teamOwner, dek)).equals(dek)).toBe(true);
    }
  });

  it("refuses data keys that are not 32 bytes", () => {
    expect(() => wrapDataKey(keyring, owner, randomBytes(16))).toThrow(RangeError);
  });

  it("keeps old versions readable after rotation and wraps new keys under the current one", () => {
    const dek = generateDataKey();
    const old = wrapDataKey(keyring, owner, dek);
    const rotated = createMasterKeyring(
      [
        { version: 1, key: kek1 },
        { version: 2, key: randomBytes(32) },
      ],
      2,
    );
    expect(unwrapDataKey(rotated, owner, old).equals(dek)).toBe(true);
    const rewrapped = wrapDataKey(rotated, owner, dek);
    expect(kekVersionOf(rewrapped)).toBe(2);
    expect(unwrapDataKey(rotated, owner, rewrapped).equals(dek)).toBe(true);
    expectDecryptionFailure(() => unwrapDataKey(keyring, owner, rewrapped));
  });
});

describe("data key tamper detection", () => {
  const wrapped = wrapDataKey(keyring, owner, generateDataKey());
  const { payload } = parts(wrapped);

  it("refuses every single-bit flip of iv, ciphertext and tag", () => {
    let tried = 0;
    for (const { flipped } of singleBitFlips(payload)) {
      expectDecryptionFailure(() => unwrapDataKey(keyring, owner, `kh1.1.${flipped.toString("base64url")}`));
      tried++;
    }
    expect(tried).toBe(60 * 8);
  });

  it("refuses every single-character change of the payload text", () => {
    for (const { changed } of singleCharSubstitutions(wrapped.slice("kh1.1.".length))) {
      expectDecryptionFailure(() => unwrapDataKey(keyring, owner, `kh1.1.${changed}`));
    }
  });

  it("refuses truncated input of every length", () => {
    for (let length = 0; length < wrapped.length; length++) {
      expectDecryptionFailure(() => unwrapDataKey(keyring, owner, wrapped.slice(0, length)));
    }
    for (let length = 0; length < payload.length; length++) {
      const short = `kh1.1.${payload.subarray(0, length).toString("base64url")}`;
      expectDecryptionFailure(() => unwrapDataKey(keyring, owner, short));
    }
  });

  it("refuses an unknown format version, malformed versions and garbage", () => {
    const body = wrapped.slice("kh1.1.".length);
    for (const bad of [
      `kh2.1.${body}`,
      `kh0.1.${body}`,
      `1.${body}`,
      `kh1.${body}`,
      `kh1.01.${body}`,
      `kh1.0.${body}`,
      `kh1.-1.${body}`,
      `kh1.1e0.${body}`,
      `kh1. 1.${body}`,
      `kh1.1.${body}.`,
      "",
      "garbage",
      "kh1.1.",
      "kh1.1.!!!",
    ]) {
      expectDecryptionFailure(() => unwrapDataKey(keyring, owner, bad));
    }
    expectDecryptionFailure(() => kekVersionOf("garbage"));
  });

  it("refuses a master key version the keyring does not have", () => {
    expectDecryptionFailure(() => unwrapDataKey(keyring, owner, wrapped.replace(/^kh1\.1\./, "kh1.7.")));
  });
});

describe("data key binding to owner and master key", () => {
  const dek = generateDataKey();
  const wrapped = wrapDataKey(keyring, owner, dek);

  it("fails when copied to another owner", () => {
    expectDecryptionFailure(() => unwrapDataKey(keyring, { type: "user", id: "usr_2" }, wrapped));
    expectDecryptionFailure(() => unwrapDataKey(keyring, { type: "team", id: "usr_1" }, wrapped));
    expectDecryptionFailure(() => unwrapDataKey(keyring, { type: "user", id: "usr_1 " }, wrapped));
  });

  it("fails under a wrong master key", () => {
    const wrong = createMasterKeyring([{ version: 1, key: randomBytes(32) }], 1);
    expectDecryptionFailure(() => unwrapDataKey(wrong, owner, wrapped));
  });

  describe("right master key with the wrong version is refused", () => {
    it("(a) rewriting the version field fails: the version is bound in the AAD", () => {
      const both = createMasterKeyring(
        [
          { version: 1, key: kek1 },
          { version: 2, key: kek1 },
        ],
        1,
      );
      const relabelled = wrapped.replace(/^kh1\.1\./, "kh1.2.");
      expect(relabelled).not.toBe(wrapped);
      expect(unwrapDataKey(both, owner, wrapped).equals(dek)).toBe(true);
      expectDecryptionFailure(() => unwrapDataKey(both, owner, relabelled));
    });

    it("(b) the same key bytes held only as version 2 cannot unwrap a version-1 data key", () => {
      const onlyTwo = createMasterKeyring([{ version: 2, key: kek1 }], 2);
      expectDecryptionFailure(() => unwrapDataKey(onlyTwo, owner, wrapped));
      expectDecryptionFailure(() => unwrapDataKey(onlyTwo, owner, wrapped.replace(/^kh1\.1\./, "kh1.2.")));
    });
  });
});
