/**
 * An in-memory stand-in for /api/api-keys (and the real catalog at /api/services), enough for
 * hook tests to watch the cache refresh.
 * The list is paged like the server's (`limit` default 100, at most 500; `cursor` → `nextCursor`);
 * its cursor is just an index, which the client must treat as opaque anyway.
 * /api/tokens checks bodies with the server's own schema and expiry rule, so validation answers
 * have the real shape (`details` per field).
 * The real server is covered by the backend's own route tests.
 */
import type { ApiKey, CreateKeyBody, TokenInfo, UpdateKeyBody } from "../../src/react/index.js";
import { publicCatalog } from "../../src/services/catalog.js";
import { createTokenBodySchema } from "../../src/shared/api-schemas.js";
import { parseWith } from "../../src/http/json-body.js";
import { AppError, STATUS_BY_CODE } from "../../src/platform/errors.js";
import { futureExpiry } from "../../src/platform/future-expiry.js";

export function createFakeApi() {
  const keys = new Map<string, ApiKey>();
  const tokens = new Map<string, TokenInfo>();
  let seq = 0;
  const calls: string[] = [];
  /** The query of every list request, in order. */
  const pages: Record<string, string>[] = [];
  const json = (status: number, body?: unknown) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

  async function fetch(url: string, init: RequestInit): Promise<Response> {
    const { pathname, searchParams } = new URL(url, "http://fake.test");
    const method = init.method ?? "GET";
    calls.push(`${method} ${pathname}`);
    const body = init.body ? JSON.parse(init.body as string) : undefined;
    if (pathname === "/api/services" && method === "GET") return json(200, publicCatalog());
    if (pathname === "/api/api-keys" && method === "GET") {
      pages.push(Object.fromEntries(searchParams));
      const limit = Number(searchParams.get("limit") ?? 100);
      const start = Number(searchParams.get("cursor") ?? 0);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) return json(400, { error: { code: "VALIDATION_ERROR", message: "bad limit" } });
      const all = [...keys.values()];
      const end = start + limit;
      return json(200, { apiKeys: all.slice(start, end), nextCursor: end < all.length ? String(end) : null });
    }
    if (pathname === "/api/api-keys" && method === "POST") {
      const b = body as CreateKeyBody;
      if (typeof b.value === "string" && !b.value.startsWith("sk-")) return json(400, { error: { code: "INVALID_KEY_FORMAT", message: "Invalid API key format" } });
      const now = new Date().toISOString();
      const key: ApiKey = {
        id: `key_${++seq}`,
        name: b.name,
        service: b.service,
        description: b.description ?? null,
        maskedValue: "sk-…abcd",
        isActive: true,
        isDefault: false,
        isExpired: false,
        expiresAt: b.expiresAt ?? null,
        config: b.config ?? {},
        usageCount: 0,
        lastUsedAt: null,
        lastTestedAt: null,
        lastTestStatus: null,
        createdAt: now,
        updatedAt: now,
        rotation: { everyDays: null, dueAt: null, lastRotatedAt: null },
        teamId: b.teamId ?? null,
        sharing: b.teamId ? (b.sharing ?? "use") : null,
      };
      keys.set(key.id, key);
      return json(201, key);
    }
    if (pathname === "/api/api-keys/test" && method === "POST") {
      const testedAt = new Date().toISOString();
      if (body.keyId) {
        const key = keys.get(body.keyId);
        if (!key) return json(404, { error: { code: "NOT_FOUND", message: "API key not found" } });
        keys.set(key.id, { ...key, lastTestStatus: "valid", lastTestedAt: testedAt });
      }
      return json(200, { keyId: body.keyId ?? null, success: true, status: "valid", message: "ok", latencyMs: 1, testedAt });
    }
    if (pathname === "/api/tokens" && method === "GET") return json(200, { tokens: [...tokens.values()].reverse() });
    if (pathname === "/api/tokens" && method === "POST") {
      try {
        const b = parseWith(createTokenBodySchema, body);
        const id = `tok_${++seq}`;
        const token = `kh_${id.padEnd(43, "x")}`;
        const info: TokenInfo = {
          id, name: b.name, kind: "personal", prefix: token.slice(3, 11), scopes: [...new Set(b.scopes)],
          createdAt: new Date().toISOString(), expiresAt: futureExpiry(b.expiresAt, new Date()), lastUsedAt: null,
        };
        tokens.set(id, info);
        return json(201, { token, accessToken: info });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return json(STATUS_BY_CODE[err.code], { error: { code: err.code, message: err.message, details: err.details } });
      }
    }
    const t = /^\/api\/tokens\/([^/]+)$/.exec(pathname);
    if (t && method === "DELETE") {
      if (!tokens.delete(decodeURIComponent(t[1]))) return json(404, { error: { code: "NOT_FOUND", message: "Access token not found" } });
      return json(204);
    }
    const m = /^\/api\/api-keys\/([^/]+)$/.exec(pathname);
    const key = m ? keys.get(decodeURIComponent(m[1])) : undefined;
    if (m && !key) return json(404, { error: { code: "NOT_FOUND", message: "API key not found" } });
    if (key && method === "PUT") {
      const next = { ...key, ...(body as UpdateKeyBody), updatedAt: new Date().toISOString() } as ApiKey;
      keys.set(key.id, next);
      return json(200, next);
    }
    if (key && method === "DELETE") {
      keys.delete(key.id);
      return json(204);
    }
    return json(404, { error: { code: "NOT_FOUND", message: `No route ${method} ${pathname}` } });
  }

  /** Changes made behind the hook's back, as another tab or a script would. */
  function seed(key: Partial<ApiKey> & Pick<ApiKey, "id" | "name" | "service">) {
    const now = new Date().toISOString();
    keys.set(key.id, {
      description: null, maskedValue: "sk-…seed", isActive: true, isDefault: false, isExpired: false, expiresAt: null, config: {},
      usageCount: 0, lastUsedAt: null, lastTestedAt: null, lastTestStatus: null, createdAt: now, updatedAt: now,
      rotation: { everyDays: null, dueAt: null, lastRotatedAt: null }, teamId: null, sharing: null, ...key,
    });
  }

  /** A token made elsewhere (another tab, the API). */
  function seedToken(token: Partial<TokenInfo> & Pick<TokenInfo, "id" | "name">) {
    tokens.set(token.id, {
      kind: "personal", prefix: token.id.slice(0, 8).padEnd(8, "x"), scopes: ["resolve"], createdAt: new Date().toISOString(),
      expiresAt: null, lastUsedAt: null, ...token,
    });
  }

  return { fetch, seed, seedToken, calls, pages, keys, tokens };
}
