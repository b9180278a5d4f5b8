/**
 * As-you-type format feedback, from the key shapes the server checks against: each service's
 * shape comes with the catalog (GET /api/services, `keyShape`), the predicates from
 * src/shared/key-shapes.ts, which imports nothing, so no server code comes with them. The
 * server stays authoritative; this only spares a round trip for the obvious mistakes.
 */
import type { ServiceId } from "../keyhaven";
import * as shapes from "../../../src/shared/key-shapes";

export { MAX_CUSTOM_KEY_LENGTH, MAX_PREFIXED_KEY_LENGTH, MIN_PREFIXED_KEY_LENGTH, looksLike } from "../../../src/shared/key-shapes";

/** What the checks need of a catalog entry (the catalog's own entries have it). */
export interface ShapedService extends shapes.ServiceKeyShape {
  label: string;
}

export type FormatFeedback =
  | { state: "empty" }
  | { state: "ok"; message: string }
  | { state: "error"; message: string };

export interface KeyDraft {
  value: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

const OK: FormatFeedback = { state: "ok", message: "Format looks right" };
const error = (message: string): FormatFeedback => ({ state: "error", message });

/** `value` is trimmed and not empty. */
function checkPrefixed(service: ShapedService, shape: shapes.PrefixedKeyShape, value: string, services: readonly ShapedService[]): FormatFeedback {
  const { label } = service;
  const { prefix, bodyLength } = shape;
  const found = shapes.prefixedKeyProblem(service.id, shape, value, services, { typing: true });
  switch (found?.problem) {
    case undefined:
      return OK;
    case "empty":
      return { state: "empty" };
    case "whitespace":
      return error("Keys have no spaces or line breaks");
    case "other-service": {
      const other = services.find((s) => s.id === found.service)?.label ?? found.service;
      return error(`This looks like ${shapes.withArticle(other)} key; pick ${other} as the service`);
    }
    case "prefix":
      return error(`${label} keys start with ${prefix}`);
    case "body-chars":
      return error("Only letters, digits, - and _ may follow the prefix");
    case "too-short":
    case "too-long":
      if (bodyLength !== null) return error(`${label} keys are ${prefix} + ${bodyLength} characters (${found.bodyLength} so far)`);
      if (found.problem === "too-long") return error("Too long to be a key");
      return error(`Too short for ${shapes.withArticle(label)} key`);
  }
}

function checkAnyKey(value: string): FormatFeedback {
  switch (shapes.customKeyProblem(value)) {
    case "too-long":
      return error(`At most ${shapes.MAX_CUSTOM_KEY_LENGTH} characters`);
    case "chars":
      return error("Printable characters only, no line breaks");
  }
  return { state: "ok", message: "Any non-empty key is accepted" };
}

/** `services` is the catalog; a service not (yet) in it gets no feedback. */
export function checkStringKey(service: Exclude<ServiceId, "aws">, raw: string, services: readonly ShapedService[]): FormatFeedback {
  const value = raw.trim();
  if (!value) return { state: "empty" };
  const entry = services.find((s) => s.id === service);
  switch (entry?.keyShape.kind) {
    case "any":
      return checkAnyKey(value);
    case "prefixed":
      return checkPrefixed(entry, entry.keyShape, value, services);
    default:
      return { state: "empty" };
  }
}

export function checkAwsKey(draft: Pick<KeyDraft, "accessKeyId" | "secretAccessKey" | "sessionToken">): FormatFeedback {
  const id = draft.accessKeyId.trim();
  const secret = draft.secretAccessKey.trim();
  const token = draft.sessionToken.trim();
  if (!id && !secret && !token) return { state: "empty" };
  switch (shapes.awsAccessKeyIdProblem(id)) {
    case "empty":
    case "prefix":
      return error("Access key ID starts with AKIA or ASIA");
    case "shape":
      return error("Access key ID is AKIA or ASIA + 16 capital letters or digits");
  }
  switch (shapes.awsSecretAccessKeyProblem(secret)) {
    case "empty":
      return error("Secret access key is required");
    case "chars":
      return error("Secret access key holds only letters, digits, /, + and =");
    case "too-short":
    case "too-long":
      return error(`Secret access key is 40 characters (${secret.length} so far)`);
  }
  switch (shapes.awsSessionTokenPairingProblem(id, token)) {
    case "missing":
      return error("Temporary (ASIA) keys need a session token");
    case "unexpected":
      return error("A session token goes only with temporary ASIA keys");
  }
  // No length check here: the server's MAX_AWS_SESSION_TOKEN_LENGTH has the last word.
  if (token && !shapes.AWS_SESSION_TOKEN.test(token)) return error("Session token has no spaces or line breaks");
  return OK;
}

/** Where a custom endpoint may point; http only passes if the operator allows the host (server decides). */
export function checkBaseUrl(raw: string): FormatFeedback {
  const value = raw.trim();
  if (!value) return error("Base URL is required for a custom endpoint");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return error("Enter a full URL, like https://llm.example.com/v1");
  }
  if (url.protocol === "https:") return { state: "ok", message: "" };
  if (url.protocol === "http:") return { state: "ok", message: "Plain http is accepted only for hosts your operator allows" };
  return error("Base URL must start with https://");
}

export function checkKeyFormat(service: ServiceId, draft: KeyDraft, services: readonly ShapedService[]): FormatFeedback {
  return service === "aws" ? checkAwsKey(draft) : checkStringKey(service, draft.value, services);
}
