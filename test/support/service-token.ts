/**
 * A service token stored the way the token service stores one (SHA-256 only), for tests that
 * need an application's token without going through the admin pages.
 */
import type { Runtime } from "../../src/app/compose.js";
import type { TokenScope } from "../../src/shared/api-schemas.js";
import { generateToken, hashToken, tokenPrefix } from "../../src/tokens/token-secret.js";
import { createTokenStore } from "../../src/tokens/token-store.js";

let n = 0;

export async function createServiceToken(rt: Runtime, scopes: TokenScope[] = ["resolve"], name = "test app"): Promise<{ token: string; id: string }> {
  const token = generateToken();
  const id = `tok_test_${process.pid}_${++n}_${Math.random().toString(36).slice(2, 8)}`;
  await createTokenStore(rt.database.db).insert({
    id,
    kind: "service",
    user_id: null,
    created_by: "test",
    name,
    prefix: tokenPrefix(token),
    token_hash: hashToken(token),
    scopes: JSON.stringify(scopes),
    created_at: rt.now().toISOString(),
    expires_at: null,
    last_used_at: null,
    revoked_at: null,
  });
  return { token, id };
}
