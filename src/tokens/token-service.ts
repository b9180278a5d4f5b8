/**
 * Access tokens: personal ones created and revoked by a signed-in person (policy action
 * `token.manage`), service ones by an instance admin (`admin.tokens`); all
 * verified on every bearer request with one indexed lookup and no cache, so a revoked or
 * expired token is refused by every instance right after the commit. Last use is batched
 * off the hot path, like usage counts.
 */
import { randomBytes } from "node:crypto";
import type { Actor } from "../access/actor.js";
import { authorize } from "../access/policy.js";
import type { AccessTokenRow } from "../db/schema.js";
import { AppError, notFound } from "../platform/errors.js";
import { futureExpiry } from "../platform/future-expiry.js";
import type { Logger } from "../platform/logger.js";
import type { CreateServiceTokenBody, CreateTokenBody, CreatedToken, TokenInfo, TokenScope, Whoami } from "../shared/api-schemas.js";
import { createWriteBatcher } from "../platform/write-batcher.js";
import { auditEvent } from "../audit/audit-service.js";
import type { AuditAction } from "../audit/audit-types.js";
import type { Admins } from "../admin/admins.js";
import { generateToken, hashToken, isTokenShaped, tokenPrefix } from "./token-secret.js";
import type { TokenStore } from "./token-store.js";
import type { Limits } from "../shared/limits.js";

export interface TokenServiceDeps {
  store: TokenStore;
  /** Who the instance admins are now: the policy lets only them manage service tokens. */
  admins: Pick<Admins, "ids">;
  now?: () => Date;
  logger?: Pick<Logger, "warn">;
  /** How often last-use times are written (ms). */
  flushIntervalMs?: number;
  /** Where a token's gateway limits are kept (limits/spend-limits.ts). */
  limits?: { set(subject: { kind: "token"; id: string }, limits: Limits | null): Promise<void>; get(subject: { kind: "token"; id: string }): Promise<Limits | null> };
}

const newTokenId = () => `tok_${randomBytes(12).toString("base64url")}`;

function toInfo(row: AccessTokenRow): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as TokenInfo["kind"],
    prefix: row.prefix,
    scopes: JSON.parse(row.scopes) as TokenScope[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}

const UNAUTHORIZED = "The access token is unknown, revoked or expired";

export function createTokenService(deps: TokenServiceDeps) {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  // Last use per token id, written in batches (newest wins when a failed batch comes back).
  const lastUse = createWriteBatcher<Map<string, string>>({
    empty: () => new Map(),
    isEmpty: (b) => b.size === 0,
    restore: (into, failed) => {
      for (const [id, at] of failed) if (!into.has(id)) into.set(id, at);
    },
    write: (b) => store.touch(b),
    onError: (err) => deps.logger?.warn({ err: { message: (err as Error).message } }, "token last-use flush failed"),
    intervalMs: deps.flushIntervalMs ?? 1000,
  });

  /** The user whose tokens these are; the policy lets only that person, signed in, manage them. */
  function managerOf(actor: Actor): string {
    const userId = actor.type === "system" ? "" : (actor.userId ?? "");
    authorize(actor, "token.manage", { owner: { type: "user", id: userId } });
    return userId;
  }

  /** The admin acting on service tokens; the policy refuses everyone else. */
  async function adminOf(actor: Actor): Promise<string> {
    authorize(actor, "admin.tokens", { admins: await deps.admins.ids() });
    return actor.type === "user" ? actor.userId : "";
  }

  /** The audit event of a token's creation or revocation: its id, name and scopes, never the token. */
  const tokenEvent = (actor: Actor, action: AuditAction, row: AccessTokenRow) =>
    auditEvent(actor, action, {
      owner: row.user_id !== null ? { type: "user", id: row.user_id } : null,
      target: { type: row.kind === "service" ? "service_token" : "token", id: row.id, label: row.name },
      details: { scopes: JSON.parse(row.scopes) as string[], prefix: row.prefix },
    });

  async function issue(
    actor: Actor,
    kind: "personal" | "service",
    userId: string | null,
    createdBy: string,
    input: CreateTokenBody | CreateServiceTokenBody,
  ): Promise<CreatedToken> {
    const at = now();
    const expiresAt = futureExpiry(input.expiresAt, at);
    const token = generateToken();
    const row: AccessTokenRow = {
      id: newTokenId(),
      kind,
      user_id: userId,
      created_by: createdBy,
      name: input.name,
      prefix: tokenPrefix(token),
      token_hash: hashToken(token),
      scopes: JSON.stringify([...new Set(input.scopes)]),
      created_at: at.toISOString(),
      expires_at: expiresAt,
      last_used_at: null,
      revoked_at: null,
    };
    await store.insert(row, tokenEvent(actor, kind === "service" ? "admin.token_create" : "token.create", row));
    return { token, accessToken: toInfo(row) };
  }

  return {
    async create(actor: Actor, input: CreateTokenBody): Promise<CreatedToken> {
      const userId = managerOf(actor);
      return issue(actor, "personal", userId, userId, input);
    },

    /** A service token (no user): it hands out any user's keys with `resolve`, nothing else. */
    async createService(actor: Actor, input: CreateServiceTokenBody): Promise<CreatedToken> {
      const adminId = await adminOf(actor);
      return issue(actor, "service", null, adminId, input);
    },

    async listService(actor: Actor): Promise<TokenInfo[]> {
      await adminOf(actor);
      return (await store.listService()).map(toInfo);
    },

    async revokeService(actor: Actor, id: string): Promise<void> {
      await adminOf(actor);
      if (!(await store.revoke(null, id, now().toISOString(), (row) => tokenEvent(actor, "admin.token_revoke", row)))) throw notFound("Service token");
    },

    async list(actor: Actor): Promise<TokenInfo[]> {
      return (await store.listForUser(managerOf(actor))).map(toInfo);
    },

    /** Sets (null: clears) the gateway limits of one of the person's own live tokens; answers the token with them. */
    async setLimits(actor: Actor, id: string, limits: Limits | null): Promise<TokenInfo & { limits: Limits | null }> {
      const userId = managerOf(actor);
      const row = (await store.listForUser(userId)).find((t) => t.id === id && t.revoked_at === null);
      if (!row) throw notFound("Access token");
      if (!deps.limits) throw new AppError("INTERNAL", "Limits cannot be set here");
      await deps.limits.set({ kind: "token", id }, limits);
      return { ...toInfo(row), limits };
    },

    async revoke(actor: Actor, id: string): Promise<void> {
      const userId = managerOf(actor);
      if (!(await store.revoke(userId, id, now().toISOString(), (row) => tokenEvent(actor, "token.revoke", row)))) throw notFound("Access token");
    },

    /**
     * The actor a bearer value stands for, or UNAUTHORIZED. Never says which check failed: an
     * unknown, revoked and expired token look the same to the caller.
     */
    async verify(bearer: string): Promise<Actor> {
      if (!isTokenShaped(bearer)) throw new AppError("UNAUTHORIZED", UNAUTHORIZED);
      const row = await store.findByHash(hashToken(bearer));
      const at = now();
      const dead = !row || row.revoked_at !== null || row.user_disabled_at !== null;
      if (dead || (row.expires_at !== null && Date.parse(row.expires_at) <= at.getTime())) {
        throw new AppError("UNAUTHORIZED", UNAUTHORIZED);
      }
      lastUse.buffer().set(row.id, at.toISOString());
      return {
        type: "token",
        tokenId: row.id,
        name: row.name,
        kind: row.kind as "personal" | "service",
        userId: row.user_id,
        scopes: JSON.parse(row.scopes) as TokenScope[],
      };
    },

    /** The token a bearer request came with, described (`GET /api/whoami`); a session is not a token. */
    whoami(actor: Actor): Whoami {
      if (actor.type !== "token") throw new AppError("UNAUTHORIZED", "Send an access token: Authorization: Bearer kh_…");
      return { tokenId: actor.tokenId, kind: actor.kind, userId: actor.userId, name: actor.name, scopes: [...actor.scopes] };
    },

    /** Writes the batched last-use times now. */
    flush: () => lastUse.flush(),

    /** Writes the batched last-use times; stops the timer. */
    close: () => lastUse.close(),
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
