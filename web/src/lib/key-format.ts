/**
 * As-you-type format feedback: a browser-side mirror of the rules in src/services/key-format.ts
 * (which pulls in server code, so it is not imported here). The server stays authoritative;
 * this only spares a round trip for the obvious mistakes.
 */
import type { ServiceId } from "../keyhaven";

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

type PrefixedService = Exclude<ServiceId, "aws" | "custom">;

export const MIN_PREFIXED_KEY_LENGTH = 20;
export const MAX_PREFIXED_KEY_LENGTH = 1024;
export const MAX_CUSTOM_KEY_LENGTH = 4096;

const RULES: Record<PrefixedService, { prefix: string; label: string; bodyLength?: number }> = {
  openai: { prefix: "sk-", label: "OpenAI" },
  anthropic: { prefix: "sk-ant-", label: "Anthropic" },
  google: { prefix: "AIza", label: "Google AI", bodyLength: 35 },
  groq: { prefix: "gsk_", label: "Groq" },
  xai: { prefix: "xai-", label: "xAI" },
};

const LOOKALIKE_LABEL: Record<ServiceId, string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  google: "Google AI",
  groq: "Groq",
  xai: "xAI",
  aws: "AWS",
  custom: "Custom endpoint",
};

const BODY_CHARS = /^[A-Za-z0-9_-]+$/;
const OK: FormatFeedback = { state: "ok", message: "Format looks right" };
const error = (message: string): FormatFeedback => ({ state: "error", message });

/** Which service a value seems to belong to, from its prefix alone. */
export function looksLike(value: string): ServiceId | undefined {
  if (value.startsWith("sk-ant-")) return "anthropic";
  if (value.startsWith("sk-")) return "openai";
  if (value.startsWith("AIza")) return "google";
  if (value.startsWith("gsk_")) return "groq";
  if (value.startsWith("xai-")) return "xai";
  if (/^A[KS]IA/.test(value)) return "aws";
  return undefined;
}

function checkPrefixed(service: PrefixedService, value: string): FormatFeedback {
  const rule = RULES[service];
  const other = rule.prefix.startsWith(value) ? undefined : looksLike(value);
  if (other && other !== service) return error(`This looks like ${/^[AEIOUx]/.test(LOOKALIKE_LABEL[other]) ? "an" : "a"} ${LOOKALIKE_LABEL[other]} key; pick ${LOOKALIKE_LABEL[other]} as the service`);
  if (!value.startsWith(rule.prefix) && !rule.prefix.startsWith(value)) return error(`${rule.label} keys start with ${rule.prefix}`);
  const body = value.slice(rule.prefix.length);
  if (body && !BODY_CHARS.test(body)) return error("Only letters, digits, - and _ may follow the prefix");
  if (rule.bodyLength !== undefined) {
    if (body.length !== rule.bodyLength) return error(`${rule.label} keys are ${rule.prefix} + ${rule.bodyLength} characters (${body.length} so far)`);
    return OK;
  }
  if (value.length < MIN_PREFIXED_KEY_LENGTH) return error(`Too short for ${rule.label === "OpenAI" || rule.label === "Anthropic" ? "an" : "a"} ${rule.label} key`);
  if (value.length > MAX_PREFIXED_KEY_LENGTH) return error("Too long to be a key");
  return OK;
}

export function checkStringKey(service: Exclude<ServiceId, "aws">, raw: string): FormatFeedback {
  const value = raw.trim();
  if (!value) return { state: "empty" };
  if (service === "custom") {
    if (value.length > MAX_CUSTOM_KEY_LENGTH) return error(`At most ${MAX_CUSTOM_KEY_LENGTH} characters`);
    if (!/^[\x20-\x7e]+$/.test(value)) return error("Printable characters only, no line breaks");
    return { state: "ok", message: "Any non-empty key is accepted" };
  }
  if (/\s/.test(value)) return error("Keys have no spaces or line breaks");
  return checkPrefixed(service, value);
}

export function checkAwsKey(draft: Pick<KeyDraft, "accessKeyId" | "secretAccessKey" | "sessionToken">): FormatFeedback {
  const id = draft.accessKeyId.trim();
  const secret = draft.secretAccessKey.trim();
  const token = draft.sessionToken.trim();
  if (!id && !secret && !token) return { state: "empty" };
  if (!/^(AKIA|ASIA)/.test(id)) return error("Access key ID starts with AKIA or ASIA");
  if (!/^(AKIA|ASIA)[A-Z0-9]{16}$/.test(id)) return error("Access key ID is AKIA or ASIA + 16 capital letters or digits");
  if (!secret) return error("Secret access key is required");
  if (!/^[A-Za-z0-9/+=]+$/.test(secret)) return error("Secret access key holds only letters, digits, /, + and =");
  if (secret.length !== 40) return error(`Secret access key is 40 characters (${secret.length} so far)`);
  if (id.startsWith("ASIA") && !token) return error("Temporary (ASIA) keys need a session token");
  if (id.startsWith("AKIA") && token) return error("A session token goes only with temporary ASIA keys");
  if (token && !/^[\x21-\x7e]+$/.test(token)) return error("Session token has no spaces or line breaks");
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

export function checkKeyFormat(service: ServiceId, draft: KeyDraft): FormatFeedback {
  return service === "aws" ? checkAwsKey(draft) : checkStringKey(service, draft.value);
}
