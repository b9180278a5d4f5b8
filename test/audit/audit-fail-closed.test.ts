/**
 * When the audit log cannot be written, nothing that must be recorded happens: a reveal fails
 * and its value never leaves, a change is rolled back with its event. Made unwritable the way a
 * broken or locked-down table would be: a trigger that refuses every insert (on PostgreSQL as
 * on SQLite; the tests' PostgreSQL role is a superuser, which a revoked grant would not stop).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { sql } from "kysely";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";

describeEachDatabase("audit log unwritable: fail closed", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let keyId: string;
  const value = openaiKey();

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    alice = await h.signUp();
    keyId = (await h.createKey(alice, { name: "guarded", service: "openai", value })).id;
    const db = h.runtime.database.db;
    if (dialect === "postgres") {
      await sql`create function refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit log unwritable'; end $$`.execute(db);
      await sql`create trigger refuse_audit before insert on audit_events for each row execute function refuse_audit()`.execute(db);
    } else {
      await sql`create trigger refuse_audit before insert on audit_events begin select raise(abort, 'audit log unwritable'); end`.execute(db);
    }
  });
  afterAll(() => h?.close());

  it("a reveal fails, and the value is in no part of the answer", async () => {
    const res = await h.request("GET", `/api/api-keys/${keyId}?includeValue=true`, { cookie: alice.cookie });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain(value);
    expect(JSON.parse(text)).toEqual({ error: { code: "INTERNAL", message: "Internal server error" } });
  });

  it("a change is rolled back with its event: the key is as it was", async () => {
    const before = await h.runtime.database.db.selectFrom("api_keys").selectAll().where("id", "=", keyId).executeTakeFirstOrThrow();
    expect((await h.request("PUT", `/api/api-keys/${keyId}`, { cookie: alice.cookie, body: { name: "renamed", isActive: false } })).status).toBe(500);
    expect((await h.request("DELETE", `/api/api-keys/${keyId}`, { cookie: alice.cookie })).status).toBe(500);
    const after = await h.runtime.database.db.selectFrom("api_keys").selectAll().where("id", "=", keyId).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    expect((await h.request("POST", "/api/api-keys", { cookie: alice.cookie, body: { name: "new", service: "openai", value: openaiKey() } })).status).toBe(500);
    const names = (await h.runtime.database.db.selectFrom("api_keys").select("name").where("owner_id", "=", alice.id).execute()).map((r) => r.name);
    expect(names).toEqual(["guarded"]);
  });
});
