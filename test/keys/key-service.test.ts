import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDatabase, createTestDatabase, type TestDatabase } from "../support/databases.js";
import type { Runtime } from "../../src/app/compose.js";
import { AppError } from "../../src/platform/errors.js";
import { isDefaultViolation, isUniqueViolation } from "../../src/db/unique-violation.js";
import type { OwnerRef } from "../../src/access/owner.js";
import { actorFor } from "../support/actors.js";
import { apiKeyBody } from "../support/api-key-body.js";
import { LIBRARY_ACTOR } from "../../src/access/actor.js";

const alice: OwnerRef = { type: "user", id: "user_alice" };
const bob: OwnerRef = { type: "user", id: "user_bob" };
const OPENAI = "sk-proj-Abc_def-1234567890abcdefghijXYZ9";
const OPENAI_2 = "sk-proj-Zyx_wvu-0987654321zyxwvutsrqABC8";

async function expectAppError(p: Promise<unknown>, code: string): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

describeEachDatabase("key store", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  let clock = new Date("2026-11-25T10:00:00.000Z");

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime({}, { now: () => clock });
  });
  afterAll(() => tdb.drop());

  describe("CRUD", () => {
    it("creates a key and returns it masked, never with the value", async () => {
      const key = await rt.keys.create(actorFor(alice), alice, { name: "My OpenAI Key", service: "openai", value: `  ${OPENAI}\n` });
      // The whole object: the REST answer's shape, so no value (nor any other field) rides along.
      expect(key).toEqual(
        apiKeyBody({ name: "My OpenAI Key", maskedValue: "sk-…XYZ9", createdAt: clock.toISOString(), updatedAt: clock.toISOString() }),
      );
      expect(JSON.stringify(key)).not.toContain(OPENAI.slice(8));
    });

    it("gets a key with its (trimmed) value only when asked", async () => {
      const created = await rt.keys.create(actorFor(alice), alice, { name: "reveal me", service: "openai", value: OPENAI });
      const plain = await rt.keys.get(actorFor(alice), alice, created.id);
      expect(plain).not.toHaveProperty("value");
      const withValue = await rt.keys.reveal(actorFor(alice), alice, created.id);
      expect(withValue.value).toBe(OPENAI);
    });

    it("stores AWS credentials as an object with the region in config", async () => {
      const value = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
      const key = await rt.keys.create(actorFor(alice), alice, { name: "aws", service: "aws", value, config: { region: "eu-west-1" } });
      expect(key.config).toEqual({ region: "eu-west-1" });
      expect(key.maskedValue).toBe("AKIA…MPLE");
      expect((await rt.keys.reveal(actorFor(alice), alice, key.id)).value).toEqual(value);
    });

    it("lists only the owner's keys, optionally by service", async () => {
      await rt.keys.create(actorFor(alice), alice, { name: "anthropic", service: "anthropic", value: "sk-ant-api03-" + "a".repeat(40) });
      const all = (await rt.keys.list(actorFor(alice), alice)).apiKeys;
      expect(all.length).toBeGreaterThanOrEqual(4);
      const onlyAnthropic = (await rt.keys.list(actorFor(alice), alice, { service: "anthropic" })).apiKeys;
      expect(onlyAnthropic.map((k) => k.service)).toEqual(["anthropic"]);
      expect((await rt.keys.list(actorFor(bob), bob)).apiKeys).toEqual([]);
    });

    it("updates fields and re-encrypts a new value; the service cannot change", async () => {
      const key = await rt.keys.create(actorFor(alice), alice, { name: "to update", service: "openai", value: OPENAI });
      clock = new Date(clock.getTime() + 60_000);
      const updated = await rt.keys.update(actorFor(alice), alice, key.id, { name: "renamed", description: "prod", value: OPENAI_2 });
      expect(updated).toMatchObject({ name: "renamed", description: "prod", maskedValue: "sk-…ABC8" });
      expect(updated.updatedAt).toBe(clock.toISOString());
      expect(updated.createdAt).toBe(key.createdAt);
      expect((await rt.keys.reveal(actorFor(alice), alice, key.id)).value).toBe(OPENAI_2);

      const row = await rt.database.db.selectFrom("api_keys").select(["version"]).where("id", "=", key.id).executeTakeFirstOrThrow();
      expect(row.version).toBe(2);
      await expectAppError(rt.keys.update(actorFor(alice), alice, key.id, { service: "anthropic" } as never), "VALIDATION_ERROR");
      await expectAppError(rt.keys.update(actorFor(alice), alice, key.id, { value: "not-a-key" }), "INVALID_KEY_FORMAT");
      expect((await rt.keys.reveal(actorFor(alice), alice, key.id)).value).toBe(OPENAI_2);
    });

    it("deletes a key; deleting again is NOT_FOUND", async () => {
      const key = await rt.keys.create(actorFor(alice), alice, { name: "to delete", service: "groq", value: "gsk_" + "b".repeat(40) });
      await rt.keys.remove(actorFor(alice), alice, key.id);
      await expectAppError(rt.keys.get(actorFor(alice), alice, key.id), "NOT_FOUND");
      await expectAppError(rt.keys.remove(actorFor(alice), alice, key.id), "NOT_FOUND");
    });

    it("refuses a bad format without storing anything", async () => {
      const before = (await rt.keys.list(actorFor(alice), alice)).apiKeys.length;
      const err = await expectAppError(rt.keys.create(actorFor(alice), alice, { name: "bad", service: "openai", value: "pk-123" }), "INVALID_KEY_FORMAT");
      expect(err.message).toMatch(/^Invalid API key format/);
      expect((await rt.keys.list(actorFor(alice), alice)).apiKeys.length).toBe(before);
    });
  });

  describe("isolation between owners", () => {
    it("another owner cannot get, reveal, update or delete a key: NOT_FOUND, like a missing id", async () => {
      const key = await rt.keys.create(actorFor(alice), alice, { name: "private", service: "xai", value: "xai-" + "c".repeat(40) });
      await expectAppError(rt.keys.get(actorFor(bob), bob, key.id), "NOT_FOUND");
      await expectAppError(rt.keys.reveal(actorFor(bob), bob, key.id), "NOT_FOUND");
      await expectAppError(rt.keys.update(actorFor(bob), bob, key.id, { name: "stolen", isActive: false }), "NOT_FOUND");
      await expectAppError(rt.keys.remove(actorFor(bob), bob, key.id), "NOT_FOUND");
      expect(await rt.keys.findUsableKey(actorFor(bob), bob, "xai")).toBeUndefined();
      const still = await rt.keys.get(actorFor(alice), alice, key.id);
      expect(still).toMatchObject({ name: "private", isActive: true });
      const missing = await expectAppError(rt.keys.get(actorFor(bob), bob, "key_doesnotexist000000"), "NOT_FOUND");
      const other = await expectAppError(rt.keys.get(actorFor(bob), bob, key.id), "NOT_FOUND");
      expect(other.message).toBe(missing.message);
    });

    it("a team owner with the same id as a user is a different owner", async () => {
      const team: OwnerRef = { type: "team", id: alice.id };
      const key = await rt.keys.create(actorFor(alice), alice, { name: "user only", service: "google", value: "AIza" + "d".repeat(35) });
      // The policy refuses a user acting on a team they are not in (as a missing key); behind it, the team owner's scoped query finds nothing.
      await expectAppError(rt.keys.get(actorFor(alice), team, key.id), "NOT_FOUND");
      expect(await rt.keys.findUsableKey(LIBRARY_ACTOR, team, "google")).toBeUndefined();
      expect((await rt.keys.findUsableKey(LIBRARY_ACTOR, alice, "google"))?.id).toBe(key.id);
    });
  });

  describe("expiry, active, default", () => {
    it("computes isExpired against the server clock and refuses past expiry dates", async () => {
      const owner: OwnerRef = { type: "user", id: "user_expiry" };
      const expiresAt = new Date(clock.getTime() + 3_600_000).toISOString();
      const key = await rt.keys.create(actorFor(owner), owner, { name: "soon", service: "openai", value: OPENAI, expiresAt });
      expect(key.isExpired).toBe(false);
      expect((await rt.keys.findUsableKey(actorFor(owner), owner, "openai"))?.id).toBe(key.id);

      clock = new Date(clock.getTime() + 2 * 3_600_000);
      expect((await rt.keys.get(actorFor(owner), owner, key.id)).isExpired).toBe(true);
      expect(await rt.keys.findUsableKey(actorFor(owner), owner, "openai")).toBeUndefined();

      await expectAppError(rt.keys.create(actorFor(owner), owner, { name: "past", service: "openai", value: OPENAI, expiresAt: "2020-01-01T00:00:00Z" }), "VALIDATION_ERROR");
      await expectAppError(rt.keys.create(actorFor(owner), owner, { name: "nodate", service: "openai", value: OPENAI, expiresAt: "tomorrow" }), "VALIDATION_ERROR");
      const cleared = await rt.keys.update(actorFor(owner), owner, key.id, { expiresAt: null });
      expect(cleared).toMatchObject({ isExpired: false, expiresAt: null });
    });

    it("stores the active flag; inactive keys are never usable", async () => {
      const owner: OwnerRef = { type: "user", id: "user_active" };
      const key = await rt.keys.create(actorFor(owner), owner, { name: "switch", service: "anthropic", value: "sk-ant-api03-" + "e".repeat(40) });
      const off = await rt.keys.update(actorFor(owner), owner, key.id, { isActive: false });
      expect(off.isActive).toBe(false);
      expect(await rt.keys.findUsableKey(actorFor(owner), owner, "anthropic")).toBeUndefined();
      await rt.keys.update(actorFor(owner), owner, key.id, { isActive: true });
      expect((await rt.keys.findUsableKey(actorFor(owner), owner, "anthropic"))?.value).toBe("sk-ant-api03-" + "e".repeat(40));
    });

    it("keeps at most one default per owner and service; default beats most recent", async () => {
      const owner: OwnerRef = { type: "user", id: "user_default" };
      const a = await rt.keys.create(actorFor(owner), owner, { name: "a", service: "openai", value: OPENAI, isDefault: true });
      clock = new Date(clock.getTime() + 1000);
      const b = await rt.keys.create(actorFor(owner), owner, { name: "b", service: "openai", value: OPENAI_2 });
      expect((await rt.keys.findUsableKey(actorFor(owner), owner, "openai"))?.id).toBe(a.id);

      clock = new Date(clock.getTime() + 1000);
      await rt.keys.update(actorFor(owner), owner, b.id, { isDefault: true });
      const keys = (await rt.keys.list(actorFor(owner), owner, { service: "openai" })).apiKeys;
      expect(keys.filter((k) => k.isDefault).map((k) => k.id)).toEqual([b.id]);
      expect((await rt.keys.findUsableKey(actorFor(owner), owner, "openai"))?.id).toBe(b.id);

      // Without a default, the most recently updated usable key wins.
      await rt.keys.update(actorFor(owner), owner, b.id, { isDefault: false });
      clock = new Date(clock.getTime() + 1000);
      await rt.keys.update(actorFor(owner), owner, a.id, { description: "touched" });
      expect((await rt.keys.findUsableKey(actorFor(owner), owner, "openai"))?.id).toBe(a.id);
    });
  });

  describe("defaults and versions under contention", () => {
    it("the database itself refuses a second default, and the error is told apart from a name clash", async () => {
      const owner: OwnerRef = { type: "user", id: "user_race" };
      const a = await rt.keys.create(actorFor(owner), owner, { name: "first", service: "openai", value: OPENAI, isDefault: true });
      const row = await rt.database.db.selectFrom("api_keys").selectAll().where("id", "=", a.id).executeTakeFirstOrThrow();
      const insertCopy = (changes: Partial<typeof row>) =>
        rt.database.db.insertInto("api_keys").values({ ...row, id: `key_copy${Math.random().toString(36).slice(2, 14)}`, ...changes }).execute();
      const defaultClash = await insertCopy({ name: "second" }).then(() => undefined, (e) => e);
      const nameClash = await insertCopy({ is_default: 0 }).then(() => undefined, (e) => e);
      expect(isUniqueViolation(defaultClash) && isDefaultViolation(defaultClash)).toBe(true);
      expect(isUniqueViolation(nameClash) && !isDefaultViolation(nameClash)).toBe(true);
    });

    it("moving the default does not make the old default the most recently updated key", async () => {
      const owner: OwnerRef = { type: "user", id: "user_move_default" };
      const a = await rt.keys.create(actorFor(owner), owner, { name: "a", service: "groq", value: "gsk_" + "a".repeat(40), isDefault: true });
      clock = new Date(clock.getTime() + 1000);
      const b = await rt.keys.create(actorFor(owner), owner, { name: "b", service: "groq", value: "gsk_" + "b".repeat(40) });
      clock = new Date(clock.getTime() + 1000);
      await rt.keys.update(actorFor(owner), owner, b.id, { isDefault: true });
      expect((await rt.keys.get(actorFor(owner), owner, a.id)).updatedAt).toBe(a.updatedAt);
      // With b switched off, the fallback order is still by real edits: b was edited last, but is off; a remains.
      await rt.keys.update(actorFor(owner), owner, b.id, { isActive: false });
      expect((await rt.keys.findUsableKey(actorFor(owner), owner, "groq"))?.id).toBe(a.id);
    });

    it("concurrent value updates each bump the version", async () => {
      const owner: OwnerRef = { type: "user", id: "user_versions" };
      const k = await rt.keys.create(actorFor(owner), owner, { name: "v", service: "openai", value: OPENAI });
      await Promise.all([OPENAI_2, OPENAI, OPENAI_2, OPENAI].map((value) => rt.keys.update(actorFor(owner), owner, k.id, { value })));
      const row = await rt.database.db.selectFrom("api_keys").select("version").where("id", "=", k.id).executeTakeFirstOrThrow();
      expect(row.version).toBe(5);
    });
  });

  describe("conflicts", () => {
    it("a duplicate name for the same owner and service is a CONFLICT; other service or owner is fine", async () => {
      await rt.keys.create(actorFor(alice), alice, { name: "dup", service: "openai", value: OPENAI });
      const err = await expectAppError(rt.keys.create(actorFor(alice), alice, { name: "dup", service: "openai", value: OPENAI_2 }), "CONFLICT");
      expect(err.status).toBe(409);
      await rt.keys.create(actorFor(alice), alice, { name: "dup", service: "groq", value: "gsk_" + "f".repeat(40) });
      await rt.keys.create(actorFor(bob), bob, { name: "dup", service: "openai", value: OPENAI });
      const other = await rt.keys.create(actorFor(alice), alice, { name: "other", service: "openai", value: OPENAI });
      await expectAppError(rt.keys.update(actorFor(alice), alice, other.id, { name: "dup" }), "CONFLICT");
    });
  });

  describe("restart", () => {
    it("keys written before a restart decrypt after it (same master key)", async () => {
      const key = await rt.keys.create(actorFor(alice), alice, { name: "persist", service: "openai", value: OPENAI });
      const again = await tdb.runtime();
      expect((await again.keys.reveal(actorFor(alice), alice, key.id)).value).toBe(OPENAI);
      await again.close();
    });
  });
});
