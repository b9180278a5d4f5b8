/**
 * The gateway: an application calls a provider through Keyhaven with its access token in place
 * of the API key, and never holds the key. Per request, in order:
 *   1. the caller's token (Authorization: Bearer, x-api-key or x-goog-api-key) is verified;
 *   2. the key is resolved as a hand-out would resolve it (user → team → environment; a custom
 *      endpoint by its key id), the policy asked on the way;
 *   3. the body is read when it is JSON, its model and output cap priced at their worst case,
 *      and every limit on the token, the key and the team member reserved (limits/);
 *   4. the request goes upstream with the key's auth headers in place of the caller's;
 *   5. the answer comes back as it is — streams chunk by chunk, a JSON answer whole with its
 *      cost in `x-keyhaven-cost-usd` — while its usage is read;
 *   6. the reservation settles to the real cost and the request is written to the ledger.
 * Errors Keyhaven itself gives are in the provider's own error shape, so SDKs report them as
 * they would the provider's.
 */
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { LookupFunction } from "node:net";
import { pipeline, type Readable } from "node:stream";
import type { Actor, RequestOrigin } from "../access/actor.js";
import { pinnedLookup } from "../key-test/guarded-fetch.js";
import { resolvePublicEndpoint } from "../key-test/ssrf-guard.js";
import type { KeyService } from "../keys/key-service.js";
import type { LimitSubject, Reservation, SpendLimits } from "../limits/spend-limits.js";
import type { Config } from "../platform/config.js";
import { AppError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import type { LookupFn } from "../platform/net/dns-lookup.js";
import type { KeyResolver } from "../provider/key-resolver.js";
import { authHeadersFor, baseUrlFor, type ServiceConfig, type ServiceId } from "../services/index.js";
import { USAGE_FORMATS } from "../services/usage-formats/index.js";
import type { RequestFacts, TokenUsage, UsageFormat, UsageReading } from "../services/usage-formats/usage-format.js";
import type { TokenService } from "../tokens/token-service.js";
import type { GatewayLedger } from "../usage/gateway-ledger.js";
import type { PriceBook } from "../usage/price-book.js";
import { NANO_PER_USD } from "../limits/limit-periods.js";
import { callerToken, downstreamHeaders, upstreamHeaders } from "./forward-headers.js";
import { parseGatewayTarget, type GatewayTarget } from "./gateway-targets.js";
import { MeteredRelay, type RelayOutcome } from "./metered-relay.js";
import { BoundedReadError, readBounded, type BoundedRead } from "./read-bounded.js";
import { readRequestBody, type RequestBody } from "./request-body.js";
import { sendUpstream, UpstreamError } from "./upstream.js";

/** A request as the gateway needs it (the HTTP layer fills it from Node's request). */
export interface GatewayCall {
  /** Path and query, starting with /gateway/. */
  url: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: Readable;
  origin?: RequestOrigin;
  /**
   * Takes what to do when the caller goes away before the answer is out (the upstream request
   * is ended); the HTTP layer calls it then, or at once if the caller is gone already.
   */
  onCallerGone?: (abort: () => void) => void;
}

/** The answer: whole, or a stream to pipe (destroying it aborts the upstream request). */
export interface GatewayReply {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer | Readable;
}

export const REQUEST_ID_HEADER = "x-keyhaven-request-id";
export const COST_HEADER = "x-keyhaven-cost-usd";
export const USER_HEADER = "x-keyhaven-user";

/** A JSON answer up to this size is read whole, priced, and sent with its cost; a larger one streams on unpriced. */
const MAX_METERED_JSON_BYTES = 16 * 2 ** 20;
/** Output cap assumed when neither the request nor the price table gives one. */
const DEFAULT_MAX_OUTPUT_TOKENS = 8192;
/** Worst-case input: a token per 3 bytes of the request body (English runs ~4 characters a token). */
const WORST_CASE_BYTES_PER_TOKEN = 3;
/** Estimate when the answer carries no usage: a token per 4 bytes of request. */
const ESTIMATE_BYTES_PER_TOKEN = 4;

const ERROR_CODE: Record<string, string> = {
  UNAUTHORIZED: "invalid_api_key",
  FORBIDDEN: "permission_denied",
  NOT_FOUND: "not_found",
  RATE_LIMITED: "rate_limit_exceeded",
  PAYLOAD_TOO_LARGE: "request_too_large",
  VALIDATION_ERROR: "invalid_request",
  INTERNAL: "internal_error",
};

export interface GatewayServiceDeps {
  tokens: Pick<TokenService, "verify">;
  resolver: Pick<KeyResolver, "resolve" | "handOut">;
  keys: Pick<KeyService, "findUsableById">;
  limits: Pick<SpendLimits, "reserve">;
  ledger: Pick<GatewayLedger, "record">;
  prices: Pick<PriceBook, "find" | "cost" | "worstCase">;
  config: Pick<Config, "baseUrlOverrides" | "allowPrivateEndpoints" | "gateway">;
  logger: Logger;
  /** DNS for custom endpoints (tests inject one). */
  lookup?: LookupFn;
  now?: () => number;
}

interface KeyInUse {
  service: ServiceId;
  keyId: string | null;
  teamId: string | null;
  value: string;
  config: Record<string, unknown>;
  /** The hand-out to count, when the key was resolved as one. */
  countUse?: () => void;
}

interface Metering {
  id: string;
  startedAt: number;
  actor: Extract<Actor, { type: "token" }>;
  userId: string;
  key: KeyInUse;
  target: GatewayTarget;
  facts: RequestFacts;
  requestBytes: number;
  reservation: Reservation;
}

const nanoOf = (usd: number) => Math.round(usd * NANO_PER_USD);

export function createGatewayService(deps: GatewayServiceDeps) {
  const { config, logger } = deps;
  const settings = config.gateway;
  const now = deps.now ?? Date.now;

  function errorReply(format: UsageFormat, err: AppError, requestId: string): GatewayReply {
    const code = err.code === "RATE_LIMITED" && err.message.startsWith("Budget") ? "budget_exceeded" : (ERROR_CODE[err.code] ?? "internal_error");
    const body = Buffer.from(JSON.stringify(format.errorBody(err.status, err.message, code)));
    const headers: OutgoingHttpHeaders = {
      "content-type": "application/json",
      "content-length": String(body.length),
      "cache-control": "no-store",
      [REQUEST_ID_HEADER]: requestId,
    };
    if (err.retryAfter !== undefined) headers["retry-after"] = String(err.retryAfter);
    // The SDKs retry a 429 on their own; a budget spent until the period ends (or a request too big for it) will not pass soon.
    if (err.code === "RATE_LIMITED" && (err.retryAfter === undefined || err.retryAfter > 60)) headers["x-should-retry"] = "false";
    return { status: err.status, headers, body };
  }

  function upstreamErrorReply(format: UsageFormat, err: UpstreamError, requestId: string): GatewayReply {
    const status = err.kind === "timeout" ? 504 : 502;
    const body = Buffer.from(JSON.stringify(format.errorBody(status, err.message, err.kind === "timeout" ? "upstream_timeout" : "upstream_error")));
    return { status, headers: { "content-type": "application/json", "content-length": String(body.length), [REQUEST_ID_HEADER]: requestId }, body };
  }

  async function callerOf(headers: IncomingHttpHeaders, origin: RequestOrigin | undefined): Promise<{ actor: Extract<Actor, { type: "token" }>; userId: string }> {
    const bearer = callerToken(headers);
    if (bearer === undefined) throw new AppError("UNAUTHORIZED", "Use a Keyhaven access token (kh_…) as the API key");
    const actor = (await deps.tokens.verify(bearer)) as Extract<Actor, { type: "token" }>;
    if (origin) actor.origin = origin;
    if (actor.userId !== null) return { actor, userId: actor.userId };
    const named = headers[USER_HEADER];
    if (typeof named !== "string" || named === "") throw new AppError("VALIDATION_ERROR", `A service token must name the user in the ${USER_HEADER} header`);
    return { actor, userId: named };
  }

  async function keyFor(actor: Actor, userId: string, target: GatewayTarget): Promise<KeyInUse> {
    if (target.keyId !== undefined) {
      const key = await deps.keys.findUsableById(actor, userId, target.keyId);
      if (key.service !== "custom") throw new AppError("NOT_FOUND", "No custom key with that id: /gateway/custom/ takes the id of a custom endpoint's key");
      return { service: "custom", keyId: key.id, teamId: key.teamId, value: key.value as string, config: key.config };
    }
    const found = await deps.resolver.resolve(actor, userId, target.service);
    if (!found) throw new AppError("NOT_FOUND", `No ${target.service} key: the user has none usable and the server's environment has none`);
    return {
      service: target.service,
      keyId: found.keyId,
      teamId: found.teamId ?? null,
      value: found.value as string,
      config: found.config,
      countUse: () => deps.resolver.handOut(found),
    };
  }

  /** Where to send it; a custom endpoint's host is resolved and vetted now, and connected to as vetted. */
  async function upstreamUrl(key: KeyInUse, rest: string): Promise<{ url: URL; lookup?: LookupFunction }> {
    const base = baseUrlFor(key.service, key.config as ServiceConfig, config.baseUrlOverrides);
    const url = new URL(base + rest);
    if (key.service !== "custom") return { url };
    const vetted = await resolvePublicEndpoint(url, { allowPrivate: config.allowPrivateEndpoints, lookup: deps.lookup });
    return { url, lookup: pinnedLookup(vetted) };
  }

  function subjectsOf(m: Pick<Metering, "actor" | "key" | "userId">): LimitSubject[] {
    const subjects: LimitSubject[] = [{ kind: "token", id: m.actor.tokenId }];
    if (m.key.keyId !== null) subjects.push({ kind: "key", id: m.key.keyId });
    if (m.key.teamId !== null) subjects.push({ kind: "member", teamId: m.key.teamId, userId: m.userId });
    return subjects;
  }

  /** Tokens used, from the answer, else estimated (and how). */
  function tokensOf(m: Metering, reading: UsageReading, outcome: { ok: boolean; ended: boolean; bytes: number; events: number | null }): { usage: TokenUsage; estimated: string | null } {
    if (reading.usage && reading.complete) return { usage: reading.usage, estimated: null };
    if (!outcome.ok) return { usage: reading.usage ?? { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 }, estimated: null };
    const why = outcome.ended ? "the answer carried no usage" : "the answer was cut short before its usage";
    const input = reading.usage?.inputTokens || Math.ceil(m.requestBytes / ESTIMATE_BYTES_PER_TOKEN);
    const outputGuess = outcome.events !== null ? outcome.events : Math.ceil(outcome.bytes / ESTIMATE_BYTES_PER_TOKEN);
    const output = Math.max(reading.usage?.outputTokens ?? 0, outputGuess);
    const how = `${why}: input ${reading.usage?.inputTokens ? "as reported" : "from the request's size (4 bytes a token)"}, output ${
      outcome.events !== null ? "one token per streamed event" : "from the answer's size (4 bytes a token)"
    }`;
    return { usage: { inputTokens: input, outputTokens: output, cachedInputTokens: reading.usage?.cachedInputTokens ?? 0 }, estimated: how };
  }

  /** Settles, records and counts one finished (or cut) exchange. Never throws. */
  function finish(m: Metering, status: number, reading: UsageReading, outcome: { ok: boolean; ended: boolean; bytes: number; events: number | null }): number | null {
    const model = reading.model ?? m.facts.model;
    const { usage, estimated } = tokensOf(m, reading, outcome);
    const cost = model === null ? (usage.inputTokens + usage.outputTokens === 0 ? 0 : null) : deps.prices.cost(m.key.service, model, usage);
    m.reservation.settle({ costUsd: cost, tokens: usage.inputTokens + usage.outputTokens }).catch((err: unknown) => {
      logger.error({ err: { message: (err as Error).message }, requestId: m.id }, "gateway: settling a reservation failed");
    });
    deps.ledger.record({
      id: m.id,
      at: m.startedAt,
      user_id: m.userId,
      team_id: m.key.teamId,
      key_id: m.key.keyId,
      token_id: m.actor.tokenId,
      service: m.key.service,
      model,
      status,
      latency_ms: Math.max(0, Math.round(now() - m.startedAt)),
      input_tokens: usage.inputTokens,
      output_tokens: usage.outputTokens,
      cached_tokens: usage.cachedInputTokens,
      cost_nano_usd: cost === null ? null : nanoOf(cost),
      estimated,
    });
    m.key.countUse?.();
    return cost;
  }

  /** A JSON answer read whole (up to the bound), priced, and given back with its cost. */
  async function jsonAnswer(m: Metering, format: UsageFormat, upstream: IncomingMessage, headers: OutgoingHttpHeaders): Promise<GatewayReply> {
    let read: BoundedRead;
    try {
      read = await readBounded(upstream, MAX_METERED_JSON_BYTES);
    } catch (err) {
      const bytes = err instanceof BoundedReadError ? err.bytesRead : 0;
      finish(m, 502, { model: null, usage: null, complete: false }, { ok: isOk(upstream), ended: false, bytes, events: null });
      throw new UpstreamError("aborted", "The provider's answer broke off");
    }
    const size = read.bytes.length;
    if (!read.complete) {
      // Too large to hold: what was read goes first, the rest streams on unread.
      const relay = new MeteredRelay(null, (o) => finish(m, upstream.statusCode ?? 502, { model: null, usage: null, complete: false }, { ok: isOk(upstream), ended: o.ended, bytes: size + o.bytes, events: null }));
      relay.write(read.bytes);
      pipeline(upstream, relay, () => {});
      delete headers["content-length"];
      return { status: upstream.statusCode ?? 502, headers, body: relay };
    }
    const body = read.bytes;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      parsed = undefined;
    }
    const reading = parsed === undefined ? { model: null, usage: null, complete: false } : format.readJson(parsed);
    const cost = finish(m, upstream.statusCode ?? 502, reading, { ok: isOk(upstream), ended: true, bytes: size, events: null });
    headers[COST_HEADER] = cost === null ? "unknown" : String(cost);
    headers["content-length"] = String(size);
    return { status: upstream.statusCode ?? 502, headers, body };
  }

  const isOk = (r: IncomingMessage) => (r.statusCode ?? 500) < 400;

  return {
    /** Serves one gateway request. Errors come back as replies in the provider's shape, never thrown. */
    async handle(call: GatewayCall): Promise<GatewayReply> {
      const requestId = randomUUID();
      const target = parseGatewayTarget(call.url);
      if (!target) {
        call.body.resume();
        return errorReply(USAGE_FORMATS.openai, new AppError("NOT_FOUND", `No gateway route for ${call.url.split("?")[0]}: use /gateway/openai/v1, /gateway/anthropic/v1, /gateway/google/v1beta, /gateway/groq/openai/v1, /gateway/xai/v1 or /gateway/custom/:keyId`), requestId);
      }
      const format = USAGE_FORMATS[target.format];
      const startedAt = now();
      if (/[?&]key=/.test(target.rest)) {
        call.body.resume();
        // Forwarded, a token in the URL would reach the provider (and its logs).
        return errorReply(format, new AppError("VALIDATION_ERROR", "Send the access token in a header (x-goog-api-key or Authorization), not as ?key= in the URL"), requestId);
      }
      let metering: Metering | undefined;
      try {
        const { actor, userId } = await callerOf(call.headers, call.origin);
        const key = await keyFor(actor, userId, target);
        const { url, lookup } = await upstreamUrl(key, target.rest);
        const body: RequestBody = await readRequestBody(call.method, call.headers, call.body, settings.maxBodyBytes);

        const parsed = body.kind === "json" ? body.parsed : undefined;
        const facts = format.readRequest(target.rest, parsed);
        let sendBytes: Buffer | null = body.kind === "json" ? body.bytes : null;
        let injected = false;
        if (body.kind === "json" && parsed !== undefined) {
          const prepared = format.prepareRequest(target.rest, parsed, facts);
          if (prepared.injected) {
            injected = true;
            sendBytes = Buffer.from(JSON.stringify(prepared.body));
          }
        }
        const requestBytes = body.kind === "json" ? body.bytes.length : 0;

        // What it may cost at most. A request naming no model (a listing) is free; a named model without a price is unpriced.
        const price = facts.model !== null ? deps.prices.find(key.service, facts.model) : null;
        const maxOutput = facts.maxOutputTokens ?? price?.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
        const inputWorst = Math.ceil(requestBytes / WORST_CASE_BYTES_PER_TOKEN);
        const worstCaseUsd = facts.model === null ? 0 : deps.prices.worstCase(key.service, facts.model, inputWorst, maxOutput);
        const reservation = await deps.limits.reserve(subjectsOf({ actor, key, userId }), {
          worstCaseUsd,
          worstCaseTokens: facts.model === null && requestBytes === 0 ? 0 : inputWorst + maxOutput,
        });
        metering = { id: requestId, startedAt, actor, userId, key, target, facts, requestBytes, reservation };

        const exchange = sendUpstream({
          url,
          method: call.method,
          headers: upstreamHeaders(call.headers, authHeadersFor(key.service, key.value, key.config as ServiceConfig), sendBytes ? sendBytes.length : body.kind === "none" ? null : null),
          body: sendBytes ?? (body.kind === "stream" ? body.stream : null),
          timeoutMs: settings.timeoutMs,
          lookup,
        });
        call.onCallerGone?.(() => exchange.abort(new UpstreamError("aborted", "The caller went away")));
        const upstream = await exchange.response;
        const m = metering;
        const maxTimer = setTimeout(() => exchange.abort(new UpstreamError("timeout", "The request took longer than the gateway allows")), settings.maxRequestMs);
        maxTimer.unref();
        upstream.once("close", () => clearTimeout(maxTimer));

        const contentType = upstream.headers["content-type"] ?? "";
        const headers = downstreamHeaders(upstream.headers, false);
        headers[REQUEST_ID_HEADER] = requestId;
        const status = upstream.statusCode ?? 502;

        if (/^text\/event-stream/i.test(contentType) || (facts.stream && !/json/i.test(contentType))) {
          const reader = format.streamReader({ dropUsageEvent: injected });
          delete headers["content-length"];
          const relay = new MeteredRelay(reader, (o: RelayOutcome) => finish(m, status, o.reading, { ok: status < 400, ended: o.ended, bytes: o.bytes, events: o.events }));
          pipeline(upstream, relay, () => {});
          return { status, headers, body: relay };
        }
        if (/json/i.test(contentType)) return await jsonAnswer(m, format, upstream, headers);
        // Anything else (audio, files): relayed unread.
        const relay = new MeteredRelay(null, (o) => finish(m, status, { model: null, usage: null, complete: false }, { ok: status < 400, ended: o.ended, bytes: o.bytes, events: null }));
        pipeline(upstream, relay, () => {});
        return { status, headers, body: relay };
      } catch (err) {
        if (!call.body.readableEnded) call.body.resume();
        if (err instanceof UpstreamError) {
          if (metering) finish(metering, err.kind === "timeout" ? 504 : 502, { model: null, usage: null, complete: false }, { ok: false, ended: false, bytes: 0, events: null });
          return upstreamErrorReply(format, err, requestId);
        }
        if (metering) finish(metering, 500, { model: null, usage: null, complete: false }, { ok: false, ended: false, bytes: 0, events: null });
        const appErr = err instanceof AppError ? err : new AppError("INTERNAL", "The gateway failed to handle the request");
        if (!(err instanceof AppError)) logger.error({ err: { name: (err as Error).name, message: (err as Error).message }, requestId }, "gateway: unexpected error");
        return errorReply(format, appErr, requestId);
      }
    },
  };
}

export type GatewayService = ReturnType<typeof createGatewayService>;
