import { listServices } from "../services/index.js";
import type { GuardedResponse } from "./guarded-fetch.js";

export type KeyTestStatus = "valid" | "invalid" | "error";

export interface KeyTestOutcome {
  status: KeyTestStatus;
  message: string;
}

/** Longest piece of the provider's own words quoted in a result message. */
export const MAX_PROVIDER_MESSAGE_LENGTH = 200;

/** Any run of this many characters shared with a secret is hidden, so a fragment cannot leak either. */
const SECRET_WINDOW = 8;
const REDACTED = "[redacted]";

/**
 * Hides every part of `text` that shares `SECRET_WINDOW` characters (case-insensitively) with
 * one of the secrets, or the whole secret when it is shorter than that.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const lower = text.toLowerCase();
  const hidden = new Array<boolean>(text.length).fill(false);
  for (const raw of secrets) {
    const secret = raw.toLowerCase();
    if (secret.length === 0) continue;
    const width = Math.min(SECRET_WINDOW, secret.length);
    const pieces = new Set<string>();
    for (let i = 0; i + width <= secret.length; i++) pieces.add(secret.slice(i, i + width));
    for (let i = 0; i + width <= lower.length; i++) {
      if (pieces.has(lower.slice(i, i + width))) hidden.fill(true, i, i + width);
    }
  }
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (!hidden[i]) out += text[i];
    else if (i === 0 || !hidden[i - 1]) out += REDACTED;
  }
  return out;
}

/** Provider text made fit to quote: one line, no control characters, no secret, bounded. */
function quotable(text: string, secrets: readonly string[]): string | undefined {
  const oneLine = text.slice(0, 2000).replace(/[\x00-\x1f\x7f]+/g, " ").replace(/\s+/g, " ").trim();
  const safe = redactSecrets(oneLine, secrets);
  if (safe.length === 0) return undefined;
  return safe.length > MAX_PROVIDER_MESSAGE_LENGTH ? `${safe.slice(0, MAX_PROVIDER_MESSAGE_LENGTH - 1)}…` : safe;
}

function messageFromJson(json: unknown): string | undefined {
  if (!json || typeof json !== "object") return undefined;
  const body = json as Record<string, unknown>;
  const error = body.error;
  if (typeof error === "string") return error;
  if (error && typeof error === "object") {
    const message = (error as Record<string, unknown>).message;
    if (typeof message === "string") return message;
  }
  if (typeof body.message === "string") return body.message;
  if (typeof body.detail === "string") return body.detail;
  return undefined;
}

function decodeXmlText(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/**
 * The text between the first `<tag>` and the `</tag>` after it. indexOf, not a regular
 * expression: a lazy `<tag>([\s\S]*?)</tag>` rescans the rest of the body from every
 * unclosed `<tag>`, which is quadratic in what a hostile endpoint sends.
 */
function xmlElementText(text: string, tag: string): string | undefined {
  const open = `<${tag}>`;
  const start = text.indexOf(open);
  if (start === -1) return undefined;
  const end = text.indexOf(`</${tag}>`, start + open.length);
  return end === -1 ? undefined : text.slice(start + open.length, end);
}

/** AWS answers `<ErrorResponse><Error><Code>…</Code><Message>…</Message>`. */
function messageFromXml(text: string): string | undefined {
  const message = xmlElementText(text, "Message");
  const code = xmlElementText(text, "Code");
  if (message && code) return decodeXmlText(`${code}: ${message}`);
  return message || code ? decodeXmlText((message ?? code) as string) : undefined;
}

/**
 * How much of an answer is ever looked at. Provider error bodies are a few hundred bytes; the
 * key tester reads no more than this from the socket, and the parsers below never see more
 * even if a caller hands them a longer buffer, so nothing runs over attacker-sized input.
 */
export const MAX_PARSED_BODY_BYTES = 4 * 1024;

/** The start of the answer as text (a multi-byte character cut in two becomes U+FFFD). */
function answerText(body: Buffer): string {
  return body.subarray(0, MAX_PARSED_BODY_BYTES).toString("utf8");
}

/** The provider's own explanation from an error body (JSON, or AWS XML), safe to show. */
export function providerMessage(body: Buffer, secrets: readonly string[]): string | undefined {
  const text = answerText(body);
  let found: string | undefined;
  try {
    found = messageFromJson(JSON.parse(text));
  } catch {
    found = messageFromXml(text);
  }
  return found === undefined ? undefined : quotable(found, secrets);
}

function withDetail(base: string, detail: string | undefined): string {
  return detail ? `${base}: ${detail}` : base;
}

function redirectTarget(location: string | string[] | undefined, requestUrl: URL, secrets: readonly string[]): string {
  const raw = Array.isArray(location) ? location[0] : location;
  if (!raw) return "";
  try {
    const target = new URL(raw, requestUrl);
    return ` to ${quotable(`${target.origin}${target.pathname}`, secrets) ?? "another address"}`;
  } catch {
    return " to an invalid address";
  }
}

/**
 * How providers that answer a wrong key with 400 rather than 401 say so (Google, xAI), each
 * declared by its provider. Every service's 400 is read with all of them: a custom endpoint
 * often fronts one of these providers. Run over the first MAX_PARSED_BODY_BYTES only.
 */
const KEY_REJECTED_TEXTS: readonly RegExp[] = listServices().flatMap((s) => (s.keyRejectedText ? [s.keyRejectedText] : []));

function saysKeyRejected(body: Buffer): boolean {
  const text = answerText(body);
  return KEY_REJECTED_TEXTS.some((pattern) => pattern.test(text));
}

/** The outcome mapping (README, "Key tests") for an answer the endpoint gave. */
export function outcomeForResponse(res: GuardedResponse, requestUrl: URL, secrets: readonly string[]): KeyTestOutcome {
  const { status } = res;
  if (status >= 200 && status < 300) return { status: "valid", message: "Key is valid" };
  if (status === 429) {
    return { status: "valid", message: "Key is valid, but the provider is rate limiting it right now (HTTP 429)" };
  }
  if (status >= 300 && status < 400) {
    const target = redirectTarget(res.headers.location, requestUrl, secrets);
    return {
      status: "error",
      message: `The endpoint redirected (HTTP ${status}${target}); redirects are not followed, check the base URL`,
    };
  }
  const detail = providerMessage(res.body, secrets);
  const rejected = status === 401 || status === 403 || (status === 400 && saysKeyRejected(res.body));
  if (rejected) {
    return { status: "invalid", message: withDetail(`The provider rejected the key (HTTP ${status})`, detail) };
  }
  if (status >= 500) {
    return { status: "error", message: withDetail(`The provider failed with a server error (HTTP ${status}); try again later`, detail) };
  }
  if (status === 404) {
    return { status: "error", message: withDetail("The endpoint has no models list (HTTP 404); check the base URL", detail) };
  }
  return { status: "error", message: withDetail(`Unexpected answer from the provider (HTTP ${status})`, detail) };
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function errorCode(err: unknown): string | undefined {
  if (!err || typeof err !== "object") return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string") return code;
  // Happy eyeballs tries several addresses and reports an AggregateError of their failures.
  const inner = (err as { errors?: unknown }).errors;
  return Array.isArray(inner) ? errorCode(inner[0]) : undefined;
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "EAI_NODATA", "ENODATA", "ESERVFAIL"]);
const UNREACHABLE_CODES = new Set(["ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN", "EADDRNOTAVAIL"]);

/**
 * The `error` outcome for a request that got no answer. Built from the error's code and the
 * URL's host only: an error's own text is never quoted, so nothing from the request leaks.
 */
export function outcomeForFailure(err: unknown, url: URL, timeoutMs: number): KeyTestOutcome {
  const host = url.host;
  const error = (message: string): KeyTestOutcome => ({ status: "error", message });
  if (err && typeof err === "object" && (err as { name?: unknown }).name === "TimeoutError") {
    return error(`The provider did not answer within ${formatDuration(timeoutMs)}`);
  }
  const code = errorCode(err);
  if (code && DNS_CODES.has(code)) return error(`Could not resolve ${url.hostname} (DNS lookup failed: ${code})`);
  if (code === "ECONNREFUSED") return error(`Could not connect to ${host}: connection refused`);
  if (code === "ECONNRESET" || code === "EPIPE") {
    return error(`The connection to ${host} was closed before the provider answered`);
  }
  if (code && UNREACHABLE_CODES.has(code)) return error(`Could not reach ${host} (${code})`);
  if (code && /CERT|SSL|TLS|UNABLE_TO_/.test(code)) return error(`Secure connection to ${host} failed (${code})`);
  if (code?.startsWith("HPE_")) return error(`The endpoint at ${host} sent an invalid HTTP answer (${code})`);
  return error(`The request to ${host} failed${code && /^[A-Z0-9_]+$/.test(code) ? ` (${code})` : ""}`);
}
