/**
 * The shape of each service's key, as pure data and predicates: no imports but types, so the
 * server (src/services/key-format.ts, which turns a problem into an AppError) and the browser
 * (web/src/lib/key-format.ts, which turns it into as-you-type feedback) share one set of rules
 * without the web bundle pulling in server code. Every predicate takes an already-trimmed value
 * and says what is wrong, never how to say it; each side words its own messages.
 */
import type { ServiceId } from "./service-ids.js";

/** Shortest and longest key Keyhaven accepts for a prefixed service; real keys are 50–200 characters. */
export const MIN_PREFIXED_KEY_LENGTH = 20;
export const MAX_PREFIXED_KEY_LENGTH = 1024;
export const MAX_CUSTOM_KEY_LENGTH = 4096;
export const MAX_AWS_SESSION_TOKEN_LENGTH = 8192;

/** The services whose key is one string with a fixed prefix. */
export type PrefixedServiceId = Exclude<ServiceId, "aws" | "custom">;
/** The services `looksLike` can recognise from a value's start. */
export type LookalikeServiceId = Exclude<ServiceId, "custom">;

export interface PrefixedKeyShape {
  prefix: string;
  label: string;
  /** Exact number of characters after the prefix, for formats that fix it (Google). */
  bodyLength?: number;
}

export const PREFIXED_KEY_SHAPES: Readonly<Record<PrefixedServiceId, Readonly<PrefixedKeyShape>>> = {
  openai: { prefix: "sk-", label: "OpenAI" },
  anthropic: { prefix: "sk-ant-", label: "Anthropic" },
  google: { prefix: "AIza", label: "Google AI", bodyLength: 35 },
  groq: { prefix: "gsk_", label: "Groq" },
  xai: { prefix: "xai-", label: "xAI" },
};

export const LOOKALIKE_LABELS: Readonly<Record<LookalikeServiceId, string>> = {
  openai: PREFIXED_KEY_SHAPES.openai.label,
  anthropic: PREFIXED_KEY_SHAPES.anthropic.label,
  google: PREFIXED_KEY_SHAPES.google.label,
  groq: PREFIXED_KEY_SHAPES.groq.label,
  xai: PREFIXED_KEY_SHAPES.xai.label,
  aws: "AWS",
};

/** What may follow a prefix. */
export const BODY_CHARS = /^[A-Za-z0-9_-]+$/;
/** Printable ASCII and space: what an HTTP header value can carry without surprises. */
export const HEADER_SAFE = /^[\x20-\x7e]+$/;

export const AWS_ACCESS_KEY_ID_PREFIX = /^(AKIA|ASIA)/;
export const AWS_ACCESS_KEY_ID = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
export const AWS_SECRET_ACCESS_KEY_CHARS = /^[A-Za-z0-9/+=]+$/;
export const AWS_SECRET_ACCESS_KEY_LENGTH = 40;
/** Printable ASCII without space. */
export const AWS_SESSION_TOKEN = /^[\x21-\x7e]+$/;

/** Which service a value seems to belong to, from its prefix alone. */
export function looksLike(value: string): LookalikeServiceId | undefined {
  if (value.startsWith("sk-ant-")) return "anthropic";
  if (value.startsWith("sk-")) return "openai";
  if (value.startsWith("AIza")) return "google";
  if (value.startsWith("gsk_")) return "groq";
  if (value.startsWith("xai-")) return "xai";
  if (AWS_ACCESS_KEY_ID_PREFIX.test(value)) return "aws";
  return undefined;
}

/** "an OpenAI", "a Groq": the article a service label takes. */
export function withArticle(label: string): string {
  return `${/^[AEIOUx]/.test(label) ? "an" : "a"} ${label}`;
}

export type PrefixedKeyProblem =
  | { problem: "empty" }
  | { problem: "whitespace" }
  | { problem: "other-service"; service: LookalikeServiceId }
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

/** What is wrong with a trimmed key for a prefixed service, checked in order; undefined if nothing. */
export function prefixedKeyProblem(
  service: PrefixedServiceId,
  value: string,
  { typing = false }: PrefixedKeyOptions = {},
): PrefixedKeyProblem | undefined {
  const shape = PREFIXED_KEY_SHAPES[service];
  if (value.length === 0) return { problem: "empty" };
  if (/\s/.test(value)) return { problem: "whitespace" };
  const prefixSoFar = typing && shape.prefix.startsWith(value);
  // `sk-ant-…` also starts with OpenAI's `sk-`, so it is recognised before the prefix check.
  const other = prefixSoFar ? undefined : looksLike(value);
  if (other && other !== service) return { problem: "other-service", service: other };
  if (!value.startsWith(shape.prefix) && !prefixSoFar) return { problem: "prefix" };
  const body = value.slice(shape.prefix.length);
  if (body.length > 0 && !BODY_CHARS.test(body)) return { problem: "body-chars" };
  if (shape.bodyLength !== undefined) {
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
