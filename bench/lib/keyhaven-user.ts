/**
 * A user on a running Keyhaven server, made through its public routes as a person would: sign up
 * (better-auth's route), store one key, create an access token. Shared by the HTTP benches.
 */
import { RandomPool } from "../seed.js";

export interface BenchUser {
  /** `name=value; …` of the session cookies, for further cookie requests. */
  cookie: string;
  /** The stored key's id and secret. */
  keyId: string;
  value: string;
  /** The access token (`kh_…`). */
  token: string;
}

/** Signs up, stores `value` as the default key of `service` and creates a personal token with `scopes`. */
export async function signUpWithToken(base: string, origin: string, opts: { service: string; value: string; scopes: string[] }): Promise<BenchUser> {
  const pool = new RandomPool();
  const res = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ email: `bench-${pool.take(4).toString("hex")}@example.com`, password: "correct horse battery staple", name: "Bench User" }),
  });
  if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const post = async (p: string, body: unknown) => {
    const r = await fetch(base + p, { method: "POST", headers: { "content-type": "application/json", origin, cookie }, body: JSON.stringify(body) });
    if (r.status !== 201) throw new Error(`POST ${p} failed: ${r.status} ${await r.text()}`);
    return r.json() as Promise<unknown>;
  };
  const key = (await post("/api/api-keys", { name: `${opts.service} key`, service: opts.service, value: opts.value, isDefault: true })) as { id: string };
  const created = (await post("/api/tokens", { name: "bench", scopes: opts.scopes })) as { token: string };
  return { cookie, keyId: key.id, value: opts.value, token: created.token };
}
