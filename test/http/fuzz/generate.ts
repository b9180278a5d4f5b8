/**
 * A small deterministic generator of malformed HTTP requests for the fuzz tests (no fast-check):
 * a seeded PRNG (mulberry32), hostile strings and JSON, bodies mutated from a valid one, raw
 * byte corruptions, bad paths and query strings. Request `i` of a run is generated from its own
 * PRNG seeded by (seed, i), so one failing request can be regenerated alone.
 */
import { randomInt } from "node:crypto";
import { mulberry32 } from "../../support/prng.js";

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    range: (lo, hi) => lo + int(hi - lo + 1),
    pick: (items) => items[int(items.length)],
    chance: (p) => next() < p,
  };
}

/** The PRNG of request `index` in a run of `seed`. */
export function rngFor(seed: number, index: number): Rng {
  return createRng((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
}

/** The seed CI uses, so a landing is judged on the same requests every time. */
const CI_SEED = 20261129;

/**
 * `FUZZ_SEED` when set (to replay a run); on CI a fixed seed; elsewhere a fresh random one, so
 * local runs keep exploring. Always printed by the runner.
 */
export function fuzzSeed(): number {
  const raw = process.env.FUZZ_SEED?.trim();
  if (raw) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`FUZZ_SEED must be a non-negative integer (got "${raw}")`);
    return n >>> 0;
  }
  if (process.env.CI) return CI_SEED;
  return randomInt(2 ** 31);
}

/** `FUZZ_COUNT` when set, else `fallback`: how many requests each route gets per database. */
export function fuzzCount(fallback = 2000): number {
  const n = Number(process.env.FUZZ_COUNT ?? fallback);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

// ---------------------------------------------------------------------------------------------
// Strings

export const CONTROL_CHARS = [
  "\u0000", "\u0001", "\u0007", "\b", "\t", "\n", "\r", "\r\n", "\u000b", "\u000c", "\u001b", "\u001b[31m", "\u001f", "\u007f",
  "\u0080", "\u0085", "\u009b", "\u009f",
] as const;

export const UNICODE_EDGES = [
  "\ud800", "\udfff", "\udc00\ud800", "a\ud83d", // lone and reversed surrogates
  "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", // zero-width, BOM
  "\u202e", "\u202d", "\u200f", "\u2066", "\u061c", // bidi overrides
  "e\u0301", "\u0301\u0301\u0301\u0301", "Z\u0351\u0352\u0353\u0354\u0355\u0356", // combining
  "\ufffd", "\uffff", "\ufffe", "\ufdd0", // replacement char, noncharacters
  "😀", "\u{1F468}\u200d\u{1F469}\u200d\u{1F467}", "\u{10FFFF}", "𝕏", "🏳️‍🌈",
  "\u00a0", "\u3000", "\u2028", "\u2029", "\u1680", // odd spaces, JS line separators
  "İ", "ß", "ﬀ", "ǅ", "Ω", "\u0130\u0131", // case-mapping oddities
  "日本語", "עברית", "العربية",
] as const;

export const NASTY_STRINGS = [
  "", " ", "   ", "\t\n ", "null", "undefined", "true", "false", "0", "-1", "1e309", "NaN", "Infinity", "[]", "{}",
  "__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf",
  "'; drop table api_keys; --", '" OR 1=1 --', "\\", "\\u0000", "%s%s%s%n", "%00", "%", "%zz", "${jndi:ldap://x/a}", "{{7*7}}",
  "<script>alert(1)</script>", "../../etc/passwd", "..", ".", "/", "key_", "key_AAAAAAAAAAAAAAAAAAAA", "sk-", "sk-proj-",
  "http://169.254.169.254/latest/meta-data", "file:///etc/passwd", "javascript:alert(1)",
] as const;

const PRINTABLE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.~!*'();:@&=+$,/?#[]{}\"\\%<>|^`";

/** Sizes around the limits that matter: name 100, description 500, value 8192, body 64 KiB. */
const BOUNDARY_LENGTHS = [99, 100, 101, 255, 256, 257, 499, 500, 501, 1024, 8191, 8192, 8193, 16_384] as const;

function mixed(rng: Rng, len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) {
    const r = rng.next();
    if (r < 0.6) s += PRINTABLE[rng.int(PRINTABLE.length)];
    else if (r < 0.8) s += rng.pick(CONTROL_CHARS);
    else s += rng.pick(UNICODE_EDGES);
  }
  return s;
}

/** A string near or over the body limit (its JSON, with escapes, is often bigger still). */
export function hugeString(rng: Rng): string {
  const unit = rng.pick(["a", "é", "😀", "\u0000", "\\", '"', "\ud800", "ab\u200b", " "]);
  const chars = rng.pick([30_000, 60_000, 65_000, 65_536, 70_000]);
  return unit.repeat(Math.max(1, Math.floor(chars / unit.length)));
}

/** One hostile string: a nasty token, control/unicode mixes, boundary lengths, or huge. */
export function weirdString(rng: Rng, opts: { huge?: boolean } = {}): string {
  const r = rng.int(100);
  if (r < 20) return rng.pick(NASTY_STRINGS);
  if (r < 50) return mixed(rng, rng.range(1, 40));
  if (r < 60) return rng.pick(CONTROL_CHARS) + "name" + rng.pick(CONTROL_CHARS);
  if (r < 70) return "ok " + rng.pick(UNICODE_EDGES) + " ok";
  if (r < 82) {
    const len = rng.pick(BOUNDARY_LENGTHS);
    const pad = rng.chance(0.3) ? " ".repeat(rng.range(1, 20)) : "";
    return pad + rng.pick(["a", "é", "😀", "\u0301", "x\u0000"]).repeat(len) + pad;
  }
  if (r < 90) return " ".repeat(rng.range(1, 300)) + rng.pick(["", "x", "\u0000"]);
  if (opts.huge !== false && r < 93) return hugeString(rng);
  return rng.pick(UNICODE_EDGES).repeat(rng.range(1, 50));
}

// ---------------------------------------------------------------------------------------------
// JSON text (built as text, so duplicate keys, __proto__ keys and odd literals can be written)

export const NUMBER_LITERALS = [
  "0", "-0", "1", "-1", "0.5", "1e308", "1e309", "-1e309", "5e-324", "1e-400", "9007199254740993", "-9007199254740993",
  "123456789012345678901234567890123456789", "1E+2", "0.0000000000000000000000001", "2147483648", "4294967296",
  "1" + "0".repeat(400),
] as const;

/** Not JSON, but close: what a sloppy client might send. */
export const NOT_JSON_VALUES = ["NaN", "Infinity", "-Infinity", "undefined", "'single'", "0x10", "01", "+1", ".5", "1.", "tru", "nul", '"\\x41"', '"\\u12"', '"\t"'];

export const PROTO_KEYS = ["__proto__", "constructor", "prototype", "__defineGetter__", "toString", "hasOwnProperty"] as const;

export const str = (s: string) => JSON.stringify(s);

export type Entry = [key: string, valueText: string];
export const objectText = (entries: readonly Entry[]) => `{${entries.map(([k, v]) => `${str(k)}:${v}`).join(",")}}`;

/** `depth` levels of arrays or objects around a value: deep nesting within the 64 KiB limit. */
export function deepText(rng: Rng, depth: number): string {
  const leaf = rng.pick(["1", "null", '"x"', "{}", "[]"]);
  switch (rng.int(3)) {
    case 0:
      return "[".repeat(depth) + leaf + "]".repeat(depth);
    case 1:
      return '{"a":'.repeat(depth) + leaf + "}".repeat(depth);
    default: {
      let open = "";
      let close = "";
      for (let i = 0; i < depth; i++) {
        if (i % 2) {
          open += '{"k":';
          close = "}" + close;
        } else {
          open += "[";
          close = "]" + close;
        }
      }
      return open + leaf + close;
    }
  }
}

export const DEPTHS = [10, 100, 1000, 1500, 5000, 10_000, 20_000] as const;

function weirdKey(rng: Rng): string {
  const r = rng.int(10);
  if (r < 3) return rng.pick(PROTO_KEYS);
  if (r < 4) return "";
  if (r < 5) return "k".repeat(rng.pick([100, 1000, 10_000]));
  return weirdString(rng, { huge: false });
}

/** Any JSON value as text, of every type, with hostile strings, keys and numbers. */
export function randomJsonText(rng: Rng, depth = 0): string {
  const r = rng.int(100);
  if (r < 8) return "null";
  if (r < 16) return rng.pick(["true", "false"]);
  if (r < 32) return rng.pick(NUMBER_LITERALS);
  if (r < 60) return str(weirdString(rng, { huge: depth === 0 }));
  if (r < 64 && depth === 0) return deepText(rng, rng.pick(DEPTHS));
  if (depth > 3) return str(mixed(rng, 5));
  if (r < 80) {
    const n = rng.int(6);
    return `[${Array.from({ length: n }, () => randomJsonText(rng, depth + 1)).join(",")}]`;
  }
  const n = rng.int(6);
  return objectText(Array.from({ length: n }, (): Entry => [weirdKey(rng), randomJsonText(rng, depth + 1)]));
}

// ---------------------------------------------------------------------------------------------
// Bodies: a valid body (as entries) mutated field by field

export interface FieldSpec {
  /** Good values for the field, as JSON text. */
  good: readonly string[];
  /** Bad values aimed at this field's rules, as JSON text. */
  bad: readonly string[];
  required?: boolean;
}
export type BodySpec = Record<string, FieldSpec>;

const BAD_DATES = [
  "2020-01-01", "2020-01-01T00:00:00Z", "2027-13-45", "2027-02-30", "2027-01-01T25:61:61Z", "2027-01-01T00:00:00+25:00",
  "9999-12-31T23:59:59Z", "+275760-09-13T00:00:00Z", "-000001-01-01T00:00:00Z", "0000-01-01", "2027-01-01 00:00:00",
  "2027-01-01T00:00:00", "1e12", "tomorrow", "2027-01-01T00:00:00.123456789Z", "2027-01-01T00:00:00Z\u0000",
  "２０２７-01-01", "2027-01-01T00:00:00\u2212" + "01:00",
].map(str);
const BAD_SERVICES = ["OpenAI", "openai ", " openai", "open ai", "openai\u0000", "aws\n", "custom\u200b", "ＯＰＥＮＡＩ", "AWS", "toString", "__proto__"].map(str);
const BAD_BOOLEANS = ['"true"', '"false"', "1", "0", "null", '"yes"', "[]", "{}", '"\\u0000"'];
const AWS_GOOD = '{"accessKeyId":"AKIAIOSFODNN7EXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}';

export const SERVICES = ["openai", "anthropic", "google", "groq", "xai", "aws", "custom"] as const;

export const VALUE_FIELD: FieldSpec = {
  required: true,
  good: [str("sk-proj-abcdefghijklmnopqrstuvwxyz012345"), str("sk-ant-api03-abcdefghijklmnopqrstuv"), str("gsk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"), AWS_GOOD],
  bad: [
    '{"accessKeyId":1,"secretAccessKey":null}', '{"accessKeyId":"AKIA\\u0000","secretAccessKey":"x","sessionToken":[]}',
    '{"accessKeyId":"","secretAccessKey":""}', "[]", '["sk-proj-abc"]', str("sk-proj-" + "a".repeat(8200)), str("sk-proj-\u0000abc"),
    str("sk-proj-abc\r\nX-Injected: 1"), str("sk-proj-\ud800abcdefghijklmnopqrstu"), str(""), str("   "),
  ],
};

export const CONFIG_FIELD: FieldSpec = {
  good: ["{}", '{"region":"eu-west-1"}', '{"baseUrl":"https://api.example.com/v1","headerName":"X-Key","headerPrefix":""}'],
  bad: [
    '{"region":"eu-west-1\\u0000"}', '{"region":"nope","region":"eu-west-1"}', '{"region":123}', '{"baseUrl":"http://127.0.0.1:1/"}',
    '{"baseUrl":"https://[::1]/"}', '{"baseUrl":"https://%zz/"}', '{"baseUrl":"https://example.com/\\u0000"}', '{"baseUrl":"ftp://x"}',
    '{"baseUrl":"https://example.com","headerName":"Host"}', '{"baseUrl":"https://example.com","headerName":"X\\r\\nY"}',
    '{"baseUrl":"https://example.com","headerPrefix":"a\\nb"}', '{"baseUrl":' + str("https://example.com/" + "a".repeat(10_000)) + "}",
    '{"__proto__":{"region":"eu-west-1"}}', '{"constructor":{"prototype":{"polluted":true}}}', "[]", "null", '"x"',
  ],
};

export const CREATE_BODY: BodySpec = {
  // Edge cases that are valid (and must be stored and answered as such) next to plain ones.
  name: { required: true, good: [str("fuzz key"), str("  padded  "), str("名前 ✓"), str("😀".repeat(50)), str("ok \ud800 ok"), str("\u202eevil\u202c"), str("e\u0301".repeat(50)), str("\u200b")], bad: [str(""), str("   "), str("a".repeat(101)), str("bad\u0000name"), str("line\nbreak"), str("\u001b[2J")] },
  service: { required: true, good: SERVICES.map(str), bad: BAD_SERVICES },
  value: VALUE_FIELD,
  description: { good: ["null", str("a description"), str("é".repeat(500)), str("\ufeff\u2028\u2029"), str("")], bad: [str("d".repeat(501)), str("nul\u0000here"), str("\u0007bell")] },
  expiresAt: { good: ["null", str("2099-01-01T00:00:00Z"), str("2099-06-30")], bad: BAD_DATES },
  config: CONFIG_FIELD,
  isActive: { good: ["true", "false"], bad: BAD_BOOLEANS },
  isDefault: { good: ["true", "false"], bad: BAD_BOOLEANS },
};

export const UPDATE_BODY: BodySpec = {
  ...Object.fromEntries(Object.entries(CREATE_BODY).map(([k, f]) => [k, { ...f, required: false }])),
  service: { good: [], bad: [...SERVICES.map(str), ...BAD_SERVICES] },
};

export const TEST_UNSAVED_BODY: BodySpec = {
  service: { required: true, good: SERVICES.map(str), bad: BAD_SERVICES },
  value: VALUE_FIELD,
  config: CONFIG_FIELD,
};

/** A valid-looking body of `spec` (required fields always, optional ones sometimes). */
export function goodEntries(rng: Rng, spec: BodySpec): Entry[] {
  const entries: Entry[] = [];
  for (const [key, field] of Object.entries(spec)) {
    if (field.good.length === 0) continue;
    if (field.required || rng.chance(0.3)) entries.push([key, rng.pick(field.good)]);
  }
  return entries;
}

/** One mutation of a body: wrong type, hostile string, missing field, unknown or duplicated key, nesting. */
export function mutateEntries(rng: Rng, spec: BodySpec, entries: Entry[]): string {
  const keys = Object.keys(spec);
  const key = rng.pick(keys);
  const at = entries.findIndex(([k]) => k === key);
  const put = (value: string) => (at >= 0 ? (entries[at] = [key, value]) : entries.push([key, value]));
  const r = rng.int(100);
  if (r < 22) {
    const bad = spec[key].bad;
    put(bad.length ? rng.pick(bad) : randomJsonText(rng));
    return `bad ${key}`;
  }
  if (r < 42) {
    put(randomJsonText(rng));
    return `random ${key}`;
  }
  if (r < 60) {
    put(str(weirdString(rng)));
    return `string ${key}`;
  }
  if (r < 66 && at >= 0) {
    entries.splice(at, 1);
    return `drop ${key}`;
  }
  if (r < 74) {
    const value = rng.chance(0.8) ? randomJsonText(rng) : str(hugeString(rng));
    entries.splice(rng.int(entries.length + 1), 0, [weirdKey(rng), value]);
    return "unknown field";
  }
  if (r < 82) {
    const dupe: Entry = [key, rng.chance(0.5) ? randomJsonText(rng) : rng.pick([...spec[key].good, ...spec[key].bad, "null"])];
    entries.splice(rng.int(entries.length + 1), 0, dupe);
    return `duplicate ${key}`;
  }
  if (r < 90) {
    const pk = rng.pick(PROTO_KEYS);
    const value = rng.pick(['{"isAdmin":true,"name":"x"}', '{"prototype":{"isDefault":true}}', "null", '"x"', "1", objectText(entries)]);
    entries.splice(rng.int(entries.length + 1), 0, [pk, value]);
    return `${pk} key`;
  }
  put(deepText(rng, rng.pick(DEPTHS)));
  return `deep ${key}`;
}

/** A body for `spec`: mostly a mutated valid body, sometimes any JSON at all. */
export function bodyText(rng: Rng, spec: BodySpec): { text: string; kind: string } {
  const r = rng.int(100);
  if (r < 6) return { text: randomJsonText(rng), kind: "random json" };
  if (r < 9) return { text: deepText(rng, rng.pick(DEPTHS)), kind: "deep json" };
  if (r < 16) return { text: objectText(goodEntries(rng, spec)), kind: "valid" };
  const entries = goodEntries(rng, spec);
  const kinds: string[] = [];
  const n = rng.pick([1, 1, 1, 2, 2, 3]);
  for (let i = 0; i < n; i++) kinds.push(mutateEntries(rng, spec, entries));
  return { text: objectText(entries), kind: kinds.join(", ") };
}

// ---------------------------------------------------------------------------------------------
// Raw bytes

export const INVALID_UTF8 = [
  [0xff], [0xfe], [0xc0, 0xae], [0xc0, 0x80], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xbf],
  [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x00],
] as const;

const invalidBytes = (rng: Rng) => Buffer.from(rng.pick(INVALID_UTF8));

/** Byte-level damage to a JSON body: truncation, invalid UTF-8, BOMs, trailing junk, not-quite-JSON. */
export function corruptBody(rng: Rng, body: Buffer): { body: Buffer; kind: string } {
  const r = rng.int(100);
  const cut = body.length ? rng.int(body.length) : 0;
  if (r < 20) return { body: body.subarray(0, cut), kind: "truncated" };
  if (r < 45) {
    // Inside a string value when there is one, so the damage gets past the JSON parser.
    const quote = body.indexOf(0x22, cut);
    const at = quote >= 0 ? quote + 1 : cut;
    return { body: Buffer.concat([body.subarray(0, at), invalidBytes(rng), body.subarray(at)]), kind: "invalid utf-8" };
  }
  if (r < 52) return { body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]), kind: "bom" };
  if (r < 56) return { body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body.toString("utf8"), "utf16le")]), kind: "utf-16" };
  if (r < 66) return { body: Buffer.concat([body, Buffer.from(rng.pick([",", "}", "]", " garbage", "\u0000", "//c", "\n{}", "\r\n\r\n"]))]), kind: "trailing junk" };
  if (r < 76) {
    const text = body.toString("utf8");
    const replaced = text.replace(/:(?:"[^"]*"|true|false|null|-?\d[\d.eE+-]*)/, ":" + rng.pick(NOT_JSON_VALUES));
    return { body: Buffer.from(replaced), kind: "not-json literal" };
  }
  if (r < 84) return { body: Buffer.from(body.toString("utf8").replace(/"/g, "'")), kind: "single quotes" };
  if (r < 92) return { body: Buffer.from(rng.pick(["", " ", "\n", "\u0000", "null", "[]", "{}", '""', "0", "true", "{", "[", '{"', '{"name":', "}{", "{}{}"])), kind: "tiny" };
  return { body: Buffer.alloc(rng.pick([65_535, 65_536, 65_537, 100_000]), rng.pick(["a", " ", "[", "{"])), kind: "oversized" };
}

// ---------------------------------------------------------------------------------------------
// Headers, paths, query strings

export const CONTENT_TYPES = [
  undefined, "", "text/plain", "text/plain;charset=UTF-8", "multipart/form-data; boundary=xyz", "application/x-www-form-urlencoded",
  "application/json; charset=latin1", "application/json; charset=utf-16", "application/json;charset=UTF-8", "APPLICATION/JSON",
  "application/jsonx", "application/json-patch+json", "application/vnd.api+json", "application/json; charset=\u00e9",
  "application/json, text/plain", " application/json", "application/json\t", "*/*", "application/",
] as const;

/** `content-type` to send: mostly JSON, sometimes anything else or none. */
export function contentType(rng: Rng): string | undefined {
  return rng.chance(0.88) ? "application/json" : rng.pick(CONTENT_TYPES);
}

/** Percent-encodes every byte of a string's UTF-8 (lone surrogates become EF BF BD). */
export const encodeAll = (s: string) => [...Buffer.from(s, "utf8")].map((b) => "%" + b.toString(16).toUpperCase().padStart(2, "0")).join("");

const safeEncode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeAll(s); // encodeURIComponent throws on a lone surrogate
  }
};

export const BAD_ESCAPES = [
  "%", "%%", "%z", "%zz", "%0", "%00", "%ff", "%FF%FE", "%C0%AE", "%C0%AE%C0%AE", "%E0%80%AF", "%ED%A0%80", "%F4%90%80%80", "%80",
  "%252e", "%25", "%2e%2e", "%2E", "%2f", "%2F..%2F", "%5c", "%0d%0a", "%0a", "%1b", "%7f", "%u0041", "%%30%30", "%E2%80%AE",
  "%EF%BB%BF", "%F0%9F%98", "..%2f..%2f", "%3Fx%3D1", "%23frag",
] as const;

/**
 * A path segment for an `:id`, as sent on the wire: a known id, another user's id, a random
 * one, or a hostile string (encoded or with raw bad escapes), long, or with extra segments.
 * Characters from \x80 to \xff are sent as single raw bytes (Node writes the path as latin1).
 */
export function idSegment(rng: Rng, known: readonly string[], foreign: readonly string[]): { segment: string; kind: string } {
  const r = rng.int(100);
  if (r < 12 && known.length) return { segment: rng.pick(known), kind: "own id" };
  if (r < 17 && foreign.length) return { segment: rng.pick(foreign), kind: "other user's id" };
  if (r < 25) return { segment: "key_" + mixed(rng, 20).replace(/[^A-Za-z0-9_-]/g, "x"), kind: "random id" };
  if (r < 45) {
    const base = known.length && rng.chance(0.5) ? rng.pick(known) : "key_";
    const at = rng.int(base.length + 1);
    return { segment: base.slice(0, at) + rng.pick(BAD_ESCAPES) + base.slice(at), kind: "bad escape" };
  }
  if (r < 65) return { segment: safeEncode(weirdString(rng, { huge: false })), kind: "encoded weird" };
  if (r < 72) return { segment: encodeAll(rng.pick([...CONTROL_CHARS, ...UNICODE_EDGES])), kind: "encoded edge" };
  if (r < 76) return { segment: String.fromCharCode(...Array.from({ length: rng.range(1, 8) }, () => rng.range(0x80, 0xff))), kind: "raw latin1 bytes" };
  if (r < 78) return { segment: "key_" + rng.pick([" ", "\t", "\u0000", "\u007f", "é", "😀", "\u202e", "\ud800", "a b"]), kind: "raw unencoded" };
  if (r < 84) return { segment: "k".repeat(rng.pick([1000, 4096, 8000, 15_000, 70_000])), kind: "long id" };
  if (r < 90) return { segment: rng.pick(["", ".", "..", "%2e", "a/b", "a/b/c/d", "stats/x", "test/", "/", "//", "a;b", "a?b", "a#b"]), kind: "odd segment" };
  if (r < 95) return { segment: encodeAll(encodeAll(rng.pick(NASTY_STRINGS))), kind: "double encoded" };
  return { segment: rng.pick(["%00", "key_%00", "%00key_" + "A".repeat(20), "key_AAAAAAAAAAAAAAAAAAA%00"]), kind: "nul" };
}

/** Query pairs aimed at these names (and junk), with bad escapes and odd repetitions. */
export function queryString(rng: Rng, names: readonly string[], goodValues: Record<string, readonly string[]> = {}): string {
  const r = rng.int(100);
  if (r < 8) return "";
  if (r < 14) return "?" + rng.pick(["", "&", "&&&", "=", "==", "=x", "?", "#", "%", "%zz", "a=%", "a=%zz", "%00=%00", "a[=1", "a]=1"]);
  if (r < 18) return "?" + "q=" + "x".repeat(rng.pick([1000, 8000, 15_000, 70_000]));
  const pairs: string[] = [];
  const n = rng.range(1, 4);
  for (let i = 0; i < n; i++) {
    const name = rng.chance(0.85) ? rng.pick(names) : rng.pick(["x", "__proto__", "constructor", "", "a.b", encodeAll("\u0000")]);
    const shape = rng.int(10);
    const key = shape === 0 ? `${name}[]` : shape === 1 ? `${name}[0]` : shape === 2 ? `${name}[a]` : name;
    const good = goodValues[name] ?? [];
    const v = rng.int(100);
    const value =
      v < 25 && good.length
        ? rng.pick(good)
        : v < 40
          ? rng.pick(BAD_ESCAPES)
          : v < 70
            ? safeEncode(weirdString(rng, { huge: false }))
            : v < 85
              ? rng.pick(["", "-1", "0", "1.5", "1e9", "99999999999999999999", "NaN", "abc", "true", "TRUE", "maybe", "null", "%00", "0x10"])
              : encodeAll(rng.pick([...CONTROL_CHARS, ...UNICODE_EDGES]));
    pairs.push(rng.chance(0.05) ? key : `${key}=${value}`);
  }
  return "?" + pairs.join(rng.chance(0.1) ? ";" : "&");
}

/** A JSON body for `spec` as sent: mutated, sometimes byte-damaged, chunked, mistyped or missing. */
export function jsonBodyParts(rng: Rng, spec: BodySpec): { headers: Record<string, string | undefined>; body?: Buffer; chunked: boolean; kind: string } {
  const made = bodyText(rng, spec);
  let body: Buffer = Buffer.from(made.text, "utf8");
  const kinds = [made.kind];
  if (rng.chance(0.2)) {
    const damaged = corruptBody(rng, body);
    body = damaged.body;
    kinds.push(damaged.kind);
  }
  const type = contentType(rng);
  if (type !== "application/json") kinds.push(`content-type ${JSON.stringify(type)}`);
  const none = rng.chance(0.03);
  if (none) kinds.push("no body");
  return { headers: { "content-type": type }, body: none ? undefined : body, chunked: rng.chance(0.08), kind: kinds.join(" + ") };
}
