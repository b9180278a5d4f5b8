/**
 * Access tokens for tests: the bearer header, the message every refused bearer value gets, and a
 * service token. No route creates service tokens yet, so `insertServiceToken` writes one row
 * through the real token store the way the token service writes a personal one (SHA-256 only).
 */
import { randomBytes } from "node:crypto";
import type { Runtime } from "../../src/app/compose.js";
import type { TokenScope } from "../../src/shared/api-schemas.js";
import { generateToken, hashToken, tokenPrefix } from "../../src/tokens/token-secret.js";
import { createTokenStore } from "../../src/tokens/token-store.js";

export const ALL_SCOPES: readonly TokenScope[] = ["keys:read", "keys:write", "keys:reveal", "resolve", "audit:read"];

/** What the API answers any bearer value that is not a live token. */
export const TOKEN_UNAUTHORIZED = { code: "UNAUTHORIZED", message: "The access token is unknown, revoked or expired" };

export const bearerHeader = (token: string) => ({ authorization: `Bearer ${token}` });

export interface InsertedToken {
  id: string;
  token: string;
}

/** A service token (kind "service", no user) on the runtime's database. */
export async function insertServiceToken(
  runtime: Runtime,
  opts: { createdBy: string; scopes?: readonly TokenScope[]; name?: string; expiresAt?: string | null },
): Promise<InsertedToken> {
  const token = generateToken();
  const id = `tok_${randomBytes(12).toString("base64url")}`;
  await createTokenStore(runtime.database.db).insert({
    id,
    kind: "service",
    user_id: null,
    created_by: opts.createdBy,
    name: opts.name ?? "service",
    prefix: tokenPrefix(token),
    token_hash: hashToken(token),
    scopes: JSON.stringify(opts.scopes ?? ALL_SCOPES),
    created_at: new Date().toISOString(),
    expires_at: opts.expiresAt ?? null,
    last_used_at: null,
    revoked_at: null,
  });
  return { id, token };
}
