import { AppError } from "../platform/errors.js";
import {
  AWS_SESSION_TOKEN,
  MAX_AWS_SESSION_TOKEN_LENGTH,
  MAX_CUSTOM_KEY_LENGTH,
  MIN_PREFIXED_KEY_LENGTH,
  awsAccessKeyIdProblem,
  awsSecretAccessKeyProblem,
  awsSessionTokenPairingProblem,
  customKeyProblem,
  prefixedKeyProblem,
  withArticle,
  type PrefixedKeyProblem,
  type PrefixedKeyShape,
} from "../shared/key-shapes.js";
import type { ServiceId, StringServiceId } from "../shared/service-ids.js";
import type { AwsCredentialValue, KeyValue } from "./provider-definition.js";
import { getService, listServices, type ServiceDefinition } from "./registry.js";

export {
  MAX_AWS_SESSION_TOKEN_LENGTH,
  MAX_CUSTOM_KEY_LENGTH,
  MAX_PREFIXED_KEY_LENGTH,
  MIN_PREFIXED_KEY_LENGTH,
} from "../shared/key-shapes.js";
export type { AwsCredentialValue, KeyValue } from "./provider-definition.js";

const BODY_CHARS_TEXT = 'letters, digits, "-" and "_"';

/** What a prefixed service's keys look like, in words, from its shape. */
function prefixedExpects(label: string, { prefix, bodyLength }: PrefixedKeyShape): string {
  if (bodyLength !== null) {
    return `${label} keys are "${prefix}" followed by exactly ${bodyLength} ${BODY_CHARS_TEXT} (${prefix.length + bodyLength} characters in all)`;
  }
  return `${label} keys start with "${prefix}" followed by ${BODY_CHARS_TEXT}, at least ${MIN_PREFIXED_KEY_LENGTH} characters in all`;
}

function prefixedReason(shape: PrefixedKeyShape, found: PrefixedKeyProblem): string {
  switch (found.problem) {
    case "empty":
      return "the value is empty";
    case "whitespace":
      return "it contains whitespace";
    case "other-service": {
      const label = getService(found.service).label;
      return `this looks like ${withArticle(label)} key; add it under ${label}`;
    }
    case "prefix":
      return `it does not start with "${shape.prefix}"`;
    case "body-chars":
      return `it contains characters other than ${BODY_CHARS_TEXT}`;
    case "too-short":
      return "it is too short";
    case "too-long":
      return "it is too long";
  }
}

const AWS_SHAPE = "AWS credentials are an object { accessKeyId, secretAccessKey, sessionToken? }";
const AWS_FIELDS: ReadonlySet<string> = new Set(["accessKeyId", "secretAccessKey", "sessionToken"]);
const AWS_ID_TEXT = 'AWS access key IDs are "AKIA" or "ASIA" followed by 16 uppercase letters or digits';
const AWS_SECRET_TEXT = 'AWS secret access keys are exactly 40 letters, digits, "/", "+" or "="';
const AWS_TOKEN_TEXT = `AWS session tokens are printable text without whitespace, at most ${MAX_AWS_SESSION_TOKEN_LENGTH} characters`;
const CUSTOM_TEXT = `Custom endpoint keys are non-empty printable text without line breaks, at most ${MAX_CUSTOM_KEY_LENGTH} characters`;

/** Every message starts with "Invalid API key format" and never quotes the submitted value. */
function fail(expects: string, reason?: string): never {
  throw new AppError("INVALID_KEY_FORMAT", `Invalid API key format: ${expects}${reason ? ` (${reason})` : ""}`);
}

function normalizePrefixed(service: ServiceDefinition, shape: PrefixedKeyShape, raw: unknown): string {
  const expects = prefixedExpects(service.label, shape);
  if (typeof raw !== "string") fail(expects, "the value must be a string");
  const value = raw.trim();
  const found = prefixedKeyProblem(service.id, shape, value, listServices());
  if (found) fail(expects, prefixedReason(shape, found));
  return value;
}

const CUSTOM_REASONS = {
  empty: "the value is empty",
  "too-long": "it is too long",
  chars: "it contains line breaks, control or non-ASCII characters",
} as const;

function normalizeCustom(raw: unknown): string {
  if (typeof raw !== "string") fail(CUSTOM_TEXT, "the value must be a string");
  const value = raw.trim();
  const found = customKeyProblem(value);
  if (found) fail(CUSTOM_TEXT, CUSTOM_REASONS[found]);
  return value;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

const AWS_SECRET_REASONS = {
  empty: "secretAccessKey is empty",
  "too-short": "it is too short",
  "too-long": "it is too long",
  chars: "it contains other characters",
} as const;

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
  const idProblem = awsAccessKeyIdProblem(accessKeyId);
  if (idProblem) fail(AWS_ID_TEXT, idProblem === "empty" ? "accessKeyId is empty" : undefined);

  if (typeof raw.secretAccessKey !== "string") fail(AWS_SHAPE, "secretAccessKey must be a string");
  const secretAccessKey = raw.secretAccessKey.trim();
  const secretProblem = awsSecretAccessKeyProblem(secretAccessKey);
  if (secretProblem) fail(AWS_SECRET_TEXT, AWS_SECRET_REASONS[secretProblem]);

  let sessionToken: string | undefined;
  if (raw.sessionToken !== undefined && raw.sessionToken !== null) {
    if (typeof raw.sessionToken !== "string") fail(AWS_SHAPE, "sessionToken must be a string");
    sessionToken = raw.sessionToken.trim() || undefined;
  }
  switch (awsSessionTokenPairingProblem(accessKeyId, sessionToken)) {
    case "missing":
      fail('temporary AWS credentials (access key ID starting with "ASIA") need a sessionToken', "it is missing");
    case "unexpected":
      fail('a sessionToken goes only with temporary access key IDs starting with "ASIA"', 'this one starts with "AKIA"');
  }
  if (sessionToken !== undefined) {
    if (sessionToken.length > MAX_AWS_SESSION_TOKEN_LENGTH) fail(AWS_TOKEN_TEXT, "it is too long");
    if (!AWS_SESSION_TOKEN.test(sessionToken)) fail(AWS_TOKEN_TEXT, "it contains whitespace or other characters");
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
  const definition = getService(service); // refuses an unknown id
  const shape = definition.keyShape;
  switch (shape.kind) {
    case "aws":
      return normalizeAws(value);
    case "any":
      return normalizeCustom(value);
    case "prefixed":
      return normalizePrefixed(definition, shape, value);
  }
}
