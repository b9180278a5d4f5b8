import { AppError } from "../errors.js";
import { getService } from "./catalog.js";
import type { ServiceId, StringServiceId } from "./service-ids.js";

export interface AwsCredentialValue {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present only for temporary (`ASIA…`) credentials. */
  sessionToken?: string;
}

export type KeyValue = string | AwsCredentialValue;

/** Shortest and longest key Keyhaven accepts for a prefixed service; real keys are 50–200 characters. */
export const MIN_PREFIXED_KEY_LENGTH = 20;
export const MAX_PREFIXED_KEY_LENGTH = 1024;
export const MAX_CUSTOM_KEY_LENGTH = 4096;
export const MAX_AWS_SESSION_TOKEN_LENGTH = 8192;

type PrefixedServiceId = Exclude<StringServiceId, "custom">;

interface PrefixRule {
  prefix: string;
  /** Exact number of characters after the prefix, for formats that fix it (Google). */
  bodyLength?: number;
  expects: string;
}

const BODY_CHARS = /^[A-Za-z0-9_-]+$/;
const BODY_CHARS_TEXT = 'letters, digits, "-" and "_"';

const PREFIX_RULES: Record<PrefixedServiceId, PrefixRule> = {
  openai: {
    prefix: "sk-",
    expects: `OpenAI keys start with "sk-" followed by ${BODY_CHARS_TEXT}, at least ${MIN_PREFIXED_KEY_LENGTH} characters in all`,
  },
  anthropic: {
    prefix: "sk-ant-",
    expects: `Anthropic keys start with "sk-ant-" followed by ${BODY_CHARS_TEXT}, at least ${MIN_PREFIXED_KEY_LENGTH} characters in all`,
  },
  google: {
    prefix: "AIza",
    bodyLength: 35,
    expects: `Google AI keys are "AIza" followed by exactly 35 ${BODY_CHARS_TEXT} (39 characters in all)`,
  },
  groq: {
    prefix: "gsk_",
    expects: `Groq keys start with "gsk_" followed by ${BODY_CHARS_TEXT}, at least ${MIN_PREFIXED_KEY_LENGTH} characters in all`,
  },
  xai: {
    prefix: "xai-",
    expects: `xAI keys start with "xai-" followed by ${BODY_CHARS_TEXT}, at least ${MIN_PREFIXED_KEY_LENGTH} characters in all`,
  },
};

const AWS_ACCESS_KEY_ID = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
const AWS_SECRET_ACCESS_KEY = /^[A-Za-z0-9/+=]{40}$/;
const AWS_FIELDS: ReadonlySet<string> = new Set(["accessKeyId", "secretAccessKey", "sessionToken"]);
const AWS_SHAPE = "AWS credentials are an object { accessKeyId, secretAccessKey, sessionToken? }";
const AWS_ID_TEXT = 'AWS access key IDs are "AKIA" or "ASIA" followed by 16 uppercase letters or digits';
const AWS_SECRET_TEXT = 'AWS secret access keys are exactly 40 letters, digits, "/", "+" or "="';

/** Printable ASCII and space: what an HTTP header value can carry without surprises. */
const HEADER_SAFE = /^[\x20-\x7e]+$/;
const CUSTOM_TEXT = `Custom endpoint keys are non-empty printable text without line breaks, at most ${MAX_CUSTOM_KEY_LENGTH} characters`;

/** Every message starts with "Invalid API key format" and never quotes the submitted value. */
function invalid(expects: string, reason?: string): AppError {
  return new AppError("INVALID_KEY_FORMAT", `Invalid API key format: ${expects}${reason ? ` (${reason})` : ""}`);
}

/** Which other service a value seems to belong to, from its prefix alone. */
function looksLike(value: string): ServiceId | undefined {
  if (value.startsWith("sk-ant-")) return "anthropic";
  if (value.startsWith("sk-")) return "openai";
  if (value.startsWith("AIza")) return "google";
  if (value.startsWith("gsk_")) return "groq";
  if (value.startsWith("xai-")) return "xai";
  if (/^A[KS]IA/.test(value)) return "aws";
  return undefined;
}

function wrongServiceReason(value: string, service: ServiceId): string | undefined {
  const other = looksLike(value);
  if (!other || other === service) return undefined;
  const label = getService(other).label;
  return `this looks like ${/^[AEIOUx]/.test(label) ? "an" : "a"} ${label} key; add it under ${label}`;
}

function normalizePrefixed(service: PrefixedServiceId, raw: unknown): string {
  const rule = PREFIX_RULES[service];
  if (typeof raw !== "string") fail(rule.expects, "the value must be a string");
  const value = raw.trim();
  if (value.length === 0) fail(rule.expects, "the value is empty");
  if (/\s/.test(value)) fail(rule.expects, "it contains whitespace");
  // `sk-ant-…` also starts with OpenAI's `sk-`, so it is recognised before the prefix check.
  const otherService = wrongServiceReason(value, service);
  if (otherService) fail(rule.expects, otherService);
  if (!value.startsWith(rule.prefix)) fail(rule.expects, `it does not start with "${rule.prefix}"`);
  const body = value.slice(rule.prefix.length);
  if (body.length > 0 && !BODY_CHARS.test(body)) fail(rule.expects, `it contains characters other than ${BODY_CHARS_TEXT}`);
  if (rule.bodyLength !== undefined) {
    if (body.length < rule.bodyLength) fail(rule.expects, "it is too short");
    if (body.length > rule.bodyLength) fail(rule.expects, "it is too long");
  } else {
    if (value.length < MIN_PREFIXED_KEY_LENGTH) fail(rule.expects, "it is too short");
    if (value.length > MAX_PREFIXED_KEY_LENGTH) fail(rule.expects, "it is too long");
  }
  return value;
}

function fail(expects: string, reason?: string): never {
  throw invalid(expects, reason);
}

function normalizeCustom(raw: unknown): string {
  if (typeof raw !== "string") fail(CUSTOM_TEXT, "the value must be a string");
  const value = raw.trim();
  if (value.length === 0) fail(CUSTOM_TEXT, "the value is empty");
  if (value.length > MAX_CUSTOM_KEY_LENGTH) fail(CUSTOM_TEXT, "it is too long");
  // It goes into an HTTP header: a line break there would inject headers.
  if (!HEADER_SAFE.test(value)) fail(CUSTOM_TEXT, "it contains line breaks, control or non-ASCII characters");
  return value;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function normalizeAws(raw: unknown): AwsCredentialValue {
  if (typeof raw === "string") {
    fail(AWS_SHAPE, "a single string was given; send the access key ID and the secret access key as separate fields");
  }
  if (!isPlainObject(raw)) fail(AWS_SHAPE);
  const unknown = Object.keys(raw).filter((k) => !AWS_FIELDS.has(k));
  if (unknown.length > 0) {
    const regionHint = unknown.includes("region") ? "; the region goes in config.region" : "";
    fail(AWS_SHAPE, `unknown field ${unknown.map((k) => `"${k}"`).join(", ")}${regionHint}`);
  }

  if (typeof raw.accessKeyId !== "string") fail(AWS_SHAPE, "accessKeyId must be a string");
  const accessKeyId = raw.accessKeyId.trim();
  if (accessKeyId.length === 0) fail(AWS_ID_TEXT, "accessKeyId is empty");
  if (!AWS_ACCESS_KEY_ID.test(accessKeyId)) fail(AWS_ID_TEXT);

  if (typeof raw.secretAccessKey !== "string") fail(AWS_SHAPE, "secretAccessKey must be a string");
  const secretAccessKey = raw.secretAccessKey.trim();
  if (secretAccessKey.length === 0) fail(AWS_SECRET_TEXT, "secretAccessKey is empty");
  if (!AWS_SECRET_ACCESS_KEY.test(secretAccessKey)) {
    if (/^[A-Za-z0-9/+=]+$/.test(secretAccessKey)) {
      fail(AWS_SECRET_TEXT, secretAccessKey.length < 40 ? "it is too short" : "it is too long");
    }
    fail(AWS_SECRET_TEXT, "it contains other characters");
  }

  let sessionToken: string | undefined;
  if (raw.sessionToken !== undefined && raw.sessionToken !== null) {
    if (typeof raw.sessionToken !== "string") fail(AWS_SHAPE, "sessionToken must be a string");
    sessionToken = raw.sessionToken.trim() || undefined;
  }
  const temporary = accessKeyId.startsWith("ASIA");
  if (temporary && !sessionToken) {
    fail('temporary AWS credentials (access key ID starting with "ASIA") need a sessionToken', "it is missing");
  }
  if (!temporary && sessionToken) {
    fail('a sessionToken goes only with temporary access key IDs starting with "ASIA"', 'this one starts with "AKIA"');
  }
  if (sessionToken !== undefined) {
    const tokenText = `AWS session tokens are printable text without whitespace, at most ${MAX_AWS_SESSION_TOKEN_LENGTH} characters`;
    if (sessionToken.length > MAX_AWS_SESSION_TOKEN_LENGTH) fail(tokenText, "it is too long");
    if (!/^[\x21-\x7e]+$/.test(sessionToken)) fail(tokenText, "it contains whitespace or other characters");
    return { accessKeyId, secretAccessKey, sessionToken };
  }
  return { accessKeyId, secretAccessKey };
}

/**
 * Trims a submitted key and checks it has the shape its service uses. Throws
 * INVALID_KEY_FORMAT saying what the service expects; the value itself is never quoted.
 */
export function normalizeKeyValue(service: "aws", value: unknown): AwsCredentialValue;
export function normalizeKeyValue(service: StringServiceId, value: unknown): string;
export function normalizeKeyValue(service: ServiceId, value: unknown): KeyValue;
export function normalizeKeyValue(service: ServiceId, value: unknown): KeyValue {
  switch (service) {
    case "aws":
      return normalizeAws(value);
    case "custom":
      return normalizeCustom(value);
    default:
      getService(service); // refuses an unknown id before PREFIX_RULES is indexed with it
      return normalizePrefixed(service, value);
  }
}
