import { performance } from "node:perf_hooks";
import { AppError } from "../platform/errors.js";
import {
  normalizeKeyValue,
  normalizeServiceConfig,
  type BaseUrlOverrides,
  type KeyValue,
  type ServiceId,
} from "../services/index.js";
import { guardedFetch } from "./guarded-fetch.js";
import { MAX_PARSED_BODY_BYTES, outcomeForFailure, outcomeForResponse, type KeyTestStatus } from "./outcome.js";
import type { LookupFn } from "./ssrf-guard.js";
import { buildTestRequest, type TestRequest } from "./test-request.js";

export const DEFAULT_KEY_TEST_TIMEOUT_MS = 10_000;

export interface KeyTesterOptions {
  /** KEYHAVEN_<SERVICE>_BASE_URL: the operator's, so never checked by the SSRF guard. */
  baseUrlOverrides?: BaseUrlOverrides;
  /** KEYHAVEN_ALLOW_PRIVATE_ENDPOINTS: lets custom endpoints reach internal addresses. */
  allowPrivateEndpoints?: boolean;
  /** KEYHAVEN_ALLOW_HTTP_HOSTS: hosts a custom endpoint may reach over plain http. */
  allowHttpHosts?: readonly string[];
  /** For the whole test: DNS, connect, answer and body. */
  timeoutMs?: number;
  /** DNS resolution (tests inject one); default `dns.promises.lookup(host, { all: true })`. */
  lookup?: LookupFn;
  /** Bytes of the answer read from the socket; the rest is never received. Default 4 KiB. */
  maxBodyBytes?: number;
  /** The server clock (Runtime.now), for `testedAt`. */
  now?: () => Date;
}

export interface KeyTestResult {
  success: boolean;
  status: KeyTestStatus;
  message: string;
  latencyMs: number;
  testedAt: string;
}

export interface KeyTester {
  /**
   * Sends the service's cheapest authenticated request and maps the answer to an outcome.
   * Throws AppError for what is wrong with the input rather than with the key: a bad format
   * (INVALID_KEY_FORMAT), a bad config, or a custom endpoint the SSRF guard refuses
   * (VALIDATION_ERROR). Neither the result nor a thrown error ever holds the key.
   */
  testKey(service: ServiceId, value: unknown, config?: unknown): Promise<KeyTestResult>;
}

function secretsOf(value: KeyValue): string[] {
  if (typeof value === "string") return [value];
  return [value.accessKeyId, value.secretAccessKey, value.sessionToken].filter((s): s is string => !!s);
}

export function createKeyTester(opts: KeyTesterOptions = {}): KeyTester {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_KEY_TEST_TIMEOUT_MS;
  const overrides = opts.baseUrlOverrides ?? {};
  const now = opts.now ?? (() => new Date());

  async function testKey(service: ServiceId, rawValue: unknown, rawConfig?: unknown): Promise<KeyTestResult> {
    // Idempotent for stored keys; re-checked here because a stored config ends up in a URL.
    const value = normalizeKeyValue(service, rawValue);
    const config = normalizeServiceConfig(service, rawConfig, { allowHttpHosts: opts.allowHttpHosts });
    let request: TestRequest;
    try {
      request = await buildTestRequest(service, value, config, overrides);
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError("INTERNAL", "Could not build the test request");
    }

    const testedAt = now().toISOString();
    const started = performance.now();
    const signal = AbortSignal.timeout(timeoutMs);
    const secrets = secretsOf(value);
    let outcome;
    try {
      const res = await guardedFetch(
        request.url,
        { method: request.method, headers: request.headers, body: request.body, signal },
        {
          // Only a user's custom endpoint is guarded: built-in URLs and overrides are the operator's.
          allowPrivate: service !== "custom" || opts.allowPrivateEndpoints === true,
          lookup: opts.lookup,
          // Only the error message is wanted: more would be bytes a hostile endpoint makes us read.
          maxBodyBytes: opts.maxBodyBytes ?? MAX_PARSED_BODY_BYTES,
        },
      );
      outcome = outcomeForResponse(res, request.url, secrets);
    } catch (err) {
      if (err instanceof AppError) throw err; // the SSRF guard's refusal
      outcome = outcomeForFailure(err, request.url, timeoutMs);
    }
    return {
      success: outcome.status === "valid",
      status: outcome.status,
      message: outcome.message,
      latencyMs: Math.round(performance.now() - started),
      testedAt,
    };
  }

  return { testKey };
}
