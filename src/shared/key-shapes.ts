/**
 * Key shapes as data and the predicates that check a value against one: no imports but types,
 * so the server (src/services/key-format.ts, which turns a problem into an AppError) and the
 * browser (web/src/lib/key-format.ts, which turns it into as-you-type feedback) share one set
 * of rules without the web bundle pulling in server code. Which shape a service has is the
 * provider's to say (src/services/providers/); the browser gets it from the catalog. Every
 * predicate takes an already-trimmed value and says what is wrong, never how to say it; each
 * side words its own messages.
 */
import type { ServiceId } from "./service-ids.js";

/** Shortest and longest key Keyhaven accepts for a prefixed service; real keys are 50–200 characters. */
export const MIN_PREFIXED_KEY_LENGTH = 20;
export const MAX_PREFIXED_KEY_LENGTH = 1024;
export const MAX_CUSTOM_KEY_LENGTH = 4096;
export const MAX_AWS_SESSION_TOKEN_LENGTH = 8192;

/** The two kinds of AWS access key ID: long-term (`AKIA`) and temporary (`ASIA`). */
export const AWS_ACCESS_KEY_ID_PREFIXES = ["AKIA", "ASIA"] as const;

/**
 * What a service's key looks like, as plain JSON data: each provider declares one, the public
 * catalog carries it to the browser, and the predicates below read it.
 * - `prefixed`: one string, `prefix` then letters, digits, `-` and `_`; `bodyLength` fixes how
 *   many follow the prefix (Google), else MIN/MAX_PREFIXED_KEY_LENGTH bound the whole key.
 * - `aws`: an access key ID (one of `accessKeyIdPrefixes` + 16) with its secret, checked by the
 *   AWS credential rules below.
 * - `any`: any non-empty printable text (custom endpoints), see customKeyProblem.
 */
export type KeyShape = PrefixedKeyShape | AwsKeyShape | AnyKeyShape;

export interface PrefixedKeyShape {
  kind: "prefixed";
  prefix: string;
  /** Exact number of characters after the prefix, for formats that fix it; null when free. */
  bodyLength: number | null;
}

export interface AwsKeyShape {
  kind: "aws";
  accessKeyIdPrefixes: readonly string[];
}

export interface AnyKeyShape {
  kind: "any";
}

/** A service and its key shape: a catalog entry has both, so the browser passes those. */
export interface ServiceKeyShape {
  id: ServiceId;
  keyShape: KeyShape;
}

/** The starts a value of this shape is recognised by (none for `any`). */
export function shapePrefixes(shape: KeyShape): readonly string[] {
  switch (shape.kind) {
    case "prefixed":
      return [shape.prefix];
    case "aws":
      return shape.accessKeyIdPrefixes;
    case "any":
      return [];
  }
}

/** What may follow a prefix. */
export const BODY_CHARS = /^[A-Za-z0-9_-]+$/;
/** Printable ASCII and space: what an HTTP header value can carry without surprises. */
export const HEADER_SAFE = /^[\x20-\x7e]+$/;

export const AWS_ACCESS_KEY_ID_PREFIX = new RegExp(`^(${AWS_ACCESS_KEY_ID_PREFIXES.join("|")})`);
export const AWS_ACCESS_KEY_ID = new RegExp(`^(${AWS_ACCESS_KEY_ID_PREFIXES.join("|")})[A-Z0-9]{16}$`);
export const AWS_SECRET_ACCESS_KEY_CHARS = /^[A-Za-z0-9/+=]+$/;
export const AWS_SECRET_ACCESS_KEY_LENGTH = 40;
/** Printable ASCII without space. */
export const AWS_SESSION_TOKEN = /^[\x21-\x7e]+$/;

/**
 * Which service a value seems to belong to, from its start alone: the longest matching prefix
 * of all shapes wins, so `sk-ant-…` is Anthropic's although it also starts with OpenAI's `sk-`.
 */
export function looksLike(value: string, services: readonly ServiceKeyShape[]): ServiceId | undefined {
  let best: { id: ServiceId; length: number } | undefined;
  for (const { id, keyShape } of services) {
    for (const prefix of shapePrefixes(keyShape)) {
      if (value.startsWith(prefix) && (!best || prefix.length > best.length)) best = { id, length: prefix.length };
    }
  }
  return best?.id;
}

/** "an OpenAI", "a Groq": the article a service label takes. */
export function withArticle(label: string): string {
  return `${/^[AEIOUx]/.test(label) ? "an" : "a"} ${label}`;
}

export type PrefixedKeyProblem =
  | { problem: "empty" }
  | { problem: "whitespace" }
  | { problem: "other-service"; service: ServiceId }
  | { problem: "prefix" }
  | { problem: "body-chars" }
  /** `bodyLength` is the number of characters after the prefix, as given. */
  | { problem: "too-short" | "too-long"; bodyLength: number };

export interface PrefixedKeyOptions {
  /**
   * Let a value that is still the start of the prefix through the prefix checks (`sk-a` for
   * Anthropic is not yet an OpenAI key): for feedback while typing, never for a submitted key.
   */
  typing?: boolean;
}

/**
 * What is wrong with a trimmed key for `service`, whose shape is `shape`, checked in order;
 * undefined if nothing. `services` are every service's shapes, to recognise another's key.
 */
export function prefixedKeyProblem(
  service: ServiceId,
  shape: PrefixedKeyShape,
  value: string,
  services: readonly ServiceKeyShape[],
  { typing = false }: PrefixedKeyOptions = {},
): PrefixedKeyProblem | undefined {
  if (value.length === 0) return { problem: "empty" };
  if (/\s/.test(value)) return { problem: "whitespace" };
  const prefixSoFar = typing && shape.prefix.startsWith(value);
  // `sk-ant-…` also starts with OpenAI's `sk-`, so it is recognised before the prefix check.
  const other = prefixSoFar ? undefined : looksLike(value, services);
  if (other && other !== service) return { problem: "other-service", service: other };
  if (!value.startsWith(shape.prefix) && !prefixSoFar) return { problem: "prefix" };
  const body = value.slice(shape.prefix.length);
  if (body.length > 0 && !BODY_CHARS.test(body)) return { problem: "body-chars" };
  if (shape.bodyLength !== null) {
    if (body.length < shape.bodyLength) return { problem: "too-short", bodyLength: body.length };
    if (body.length > shape.bodyLength) return { problem: "too-long", bodyLength: body.length };
  } else {
    if (value.length < MIN_PREFIXED_KEY_LENGTH) return { problem: "too-short", bodyLength: body.length };
    if (value.length > MAX_PREFIXED_KEY_LENGTH) return { problem: "too-long", bodyLength: body.length };
  }
  return undefined;
}

/** What is wrong with a trimmed custom endpoint key; it goes into an HTTP header. */
export function customKeyProblem(value: string): "empty" | "too-long" | "chars" | undefined {
  if (value.length === 0) return "empty";
  if (value.length > MAX_CUSTOM_KEY_LENGTH) return "too-long";
  // A line break in a header value would inject headers.
  if (!HEADER_SAFE.test(value)) return "chars";
  return undefined;
}

/** What is wrong with a trimmed AWS access key ID: "prefix" if it does not even start with AKIA or ASIA. */
export function awsAccessKeyIdProblem(id: string): "empty" | "prefix" | "shape" | undefined {
  if (id.length === 0) return "empty";
  if (!AWS_ACCESS_KEY_ID_PREFIX.test(id)) return "prefix";
  if (!AWS_ACCESS_KEY_ID.test(id)) return "shape";
  return undefined;
}

/** What is wrong with a trimmed AWS secret access key. */
export function awsSecretAccessKeyProblem(secret: string): "empty" | "chars" | "too-short" | "too-long" | undefined {
  if (secret.length === 0) return "empty";
  if (!AWS_SECRET_ACCESS_KEY_CHARS.test(secret)) return "chars";
  if (secret.length < AWS_SECRET_ACCESS_KEY_LENGTH) return "too-short";
  if (secret.length > AWS_SECRET_ACCESS_KEY_LENGTH) return "too-long";
  return undefined;
}

/**
 * Whether a session token is missing or out of place for a valid access key ID: temporary
 * (`ASIA…`) credentials need one, long-term (`AKIA…`) ones take none. An empty token is none.
 */
export function awsSessionTokenPairingProblem(accessKeyId: string, sessionToken: string | undefined): "missing" | "unexpected" | undefined {
  const temporary = accessKeyId.startsWith("ASIA");
  if (temporary && !sessionToken) return "missing";
  if (!temporary && sessionToken) return "unexpected";
  return undefined;
}
