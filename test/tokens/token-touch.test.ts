/** Batched last-use times: one statement for any number of tokens, never moved back, other tokens untouched. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";
import { insertServiceToken } from "../support/tokens.js";
import { createTokenStore } from "../../src/tokens/token-store.js";
import type { Runtime } from "../../src/app/compose.js";

describeEachDatabase("token last-use batch", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime();
  });
  afterAll(() => tdb.drop());

  const lastUsed = async (id: string) =>
    (await rt.database.db.selectFrom("access_tokens").select("last_used_at").where("id", "=", id).executeTakeFirstOrThrow()).last_used_at;

  it("writes many tokens at once, keeps the later time, leaves others alone", async () => {
    const tokens = await Promise.all(Array.from({ length: 30 }, (_, i) => insertServiceToken(rt, { createdBy: "admin", name: `t${i}` })));
    const untouched = await insertServiceToken(rt, { createdBy: "admin", name: "untouched" });
    const store = createTokenStore(rt.database.db);
    const t1 = "2026-11-29T10:00:00.000Z";
    const t0 = "2026-11-29T09:00:00.000Z";
    const t2 = "2026-11-29T11:00:00.000Z";
    await store.touch(new Map(tokens.map((t) => [t.id, t1])));
    for (const t of tokens) expect(await lastUsed(t.id)).toBe(t1);
    // An older batch (a slow instance's flush) never moves a time back; a newer one moves it on.
    await store.touch(new Map([[tokens[0].id, t0], [tokens[1].id, t2], ["tok_missing", t2]]));
    expect(await lastUsed(tokens[0].id)).toBe(t1);
    expect(await lastUsed(tokens[1].id)).toBe(t2);
    expect(await lastUsed(tokens[2].id)).toBe(t1);
    expect(await lastUsed(untouched.id)).toBeNull();
    await store.touch(new Map());
  });
});
