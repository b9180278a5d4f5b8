/**
 * The sweeper that deletes rotated-out AWS access keys after their grace period, on SQLite and
 * PostgreSQL, against the fake IAM: DeleteAccessKey signed with the key's current value, each
 * outcome audited, failures retried later, and two sweepers (two server instances on one
 * database) never deleting the same key twice.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ROTATION_ACTOR } from "../../src/access/actor.js";
import type { OwnerRef } from "../../src/access/owner.js";
import type { Runtime } from "../../src/app/compose.js";
import { createAwsIamClient } from "../../src/rotation/aws-iam-client.js";
import { createAwsKeyRetirements } from "../../src/rotation/aws-key-retirements.js";
import { createAwsKeyRetirementSweeper } from "../../src/rotation/aws-key-retirement-sweeper.js";
import { actorFor } from "../support/actors.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";
import { createFakeIam, type FakeIam } from "../support/fake-iam.js";
import { startFakeProvider, type FakeProvider } from "../support/fake-provider.js";

let fake: FakeProvider;
let iam: FakeIam;

beforeAll(async () => {
  iam = createFakeIam();
  fake = await startFakeProvider({ iam });
});
afterAll(() => fake.close());
afterEach(() => iam.clearFailures());

let users = 0;
const MINUTE = 60_000;

describeEachDatabase("AWS old-key deletion after the grace period", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  let rt2: Runtime;
  let clock = new Date("2026-11-29T10:00:00.000Z");

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    const overrides = {
      KEYHAVEN_AWS_BASE_URL: `${fake.url}/aws`,
      KEYHAVEN_AWS_IAM_BASE_URL: `${fake.url}/aws-iam`,
      KEYHAVEN_AWS_ROTATION_GRACE_HOURS: "0",
    };
    // Two runtimes on one database: two server instances.
    rt = await tdb.runtime(overrides, { now: () => clock });
    rt2 = await tdb.runtime(overrides, { now: () => clock });
  });
  afterAll(() => tdb.drop());

  const retirements = () => createAwsKeyRetirements(rt.database.db, () => clock);
  const rows = (keyId: string) => rt.database.db.selectFrom("aws_key_retirements").selectAll().where("key_id", "=", keyId).execute();
  const deleteCalls = (accessKeyId: string) => iam.calls.filter((c) => c.action === "DeleteAccessKey" && c.params.AccessKeyId === accessKeyId);
  const events = async (keyId: string) =>
    (
      await rt.database.db
        .selectFrom("audit_events")
        .select(["action", "actor_id", "user_id", "details"])
        .where("target_id", "=", keyId)
        .orderBy("seq")
        .execute()
    ).filter((e) => e.action === "key.rotate");

  /**
   * A stored AWS key holding the user's current access key, and an old access key of the same
   * user scheduled for deletion (as a rotation leaves them), due now.
   */
  async function retired(graceHours = 0) {
    const userName = `sweep${++users}-${dialect}`;
    const owner: OwnerRef = { type: "user", id: `user_${userName}` };
    const working = iam.addUser(userName);
    const old = iam.addKey(userName);
    const key = await rt.keys.create(actorFor(owner), owner, { name: "aws", service: "aws", value: working });
    await retirements().schedule(key.id, old.accessKeyId, graceHours);
    return { userName, owner, keyId: key.id, working, old };
  }

  /** A sweeper as compose.ts builds it, with this test's limits. */
  const sweeper = (opts: { maxAttempts?: number; leaseMs?: number } = {}) =>
    createAwsKeyRetirementSweeper({
      retirements: retirements(),
      iam: createAwsIamClient({ iamBaseUrl: `${fake.url}/aws-iam` }),
      currentAwsValue: async (owner, keyId) => (await rt.keys.openForRotation(ROTATION_ACTOR, owner, keyId)).value,
      logger: { warn: () => {}, error: () => {} },
      intervalMs: 0,
      now: () => clock,
      ...opts,
    });

  it("deletes a due old key, signed with the key's current value, and audits it", async () => {
    const { userName, owner, keyId, working, old } = await retired();
    expect(await sweeper().tick()).toBe(1);
    expect(deleteCalls(old.accessKeyId).map((c) => [c.signedBy, c.error])).toEqual([[working.accessKeyId, undefined]]);
    expect(iam.keysOf(userName)).toEqual([{ accessKeyId: working.accessKeyId, status: "Active" }]);
    expect(await rows(keyId)).toEqual([]);
    const [event] = await events(keyId);
    expect(event).toMatchObject({ actor_id: "rotation", user_id: owner.id });
    expect(JSON.parse(event.details)).toEqual({ step: "delete_old_key", outcome: "ok", accessKeyId: old.accessKeyId, attempts: 1 });
  });

  it("two sweepers racing for the same rows: each old key is deleted once", async () => {
    const batch = await Promise.all([retired(), retired(), retired()]);
    const counts = await Promise.all([rt.awsRotation.sweeper.tick(), rt2.awsRotation.sweeper.tick()]);
    expect(counts[0] + counts[1]).toBe(3);
    for (const { old, keyId } of batch) {
      expect(deleteCalls(old.accessKeyId)).toHaveLength(1);
      expect(await rows(keyId)).toEqual([]);
      expect((await events(keyId)).map((e) => JSON.parse(e.details).outcome)).toEqual(["ok"]);
    }
  });

  it("a row read by two sweepers is claimed by one (the conditional UPDATE)", async () => {
    const { keyId } = await retired();
    const a = createAwsKeyRetirements(rt.database.db, () => clock);
    const b = createAwsKeyRetirements(rt2.database.db, () => clock);
    const [[rowA], [rowB]] = await Promise.all([a.due(100), b.due(100)]).then(([x, y]) => [
      x.filter((r) => r.key_id === keyId),
      y.filter((r) => r.key_id === keyId),
    ]);
    expect(rowA).toEqual(rowB);
    const claims = await Promise.all([a.claim(rowA, MINUTE), b.claim(rowB, MINUTE)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    // Claimed: due again for nobody until the claim runs out.
    expect((await a.due(100)).map((r) => r.key_id)).not.toContain(keyId);
    clock = new Date(clock.getTime() + MINUTE);
    expect((await a.due(100)).map((r) => r.key_id)).toContain(keyId);
    expect(await sweeper().tick()).toBeGreaterThanOrEqual(1);
    expect(await rows(keyId)).toEqual([]);
  });

  it("waits for the grace period", async () => {
    const { userName, keyId, old } = await retired(24);
    const s = sweeper();
    clock = new Date(clock.getTime() + 23 * 60 * MINUTE);
    expect(await s.tick()).toBe(0);
    expect(deleteCalls(old.accessKeyId)).toHaveLength(0);
    clock = new Date(clock.getTime() + 60 * MINUTE);
    expect(await s.tick()).toBe(1);
    expect(iam.keysOf(userName).map((k) => k.accessKeyId)).not.toContain(old.accessKeyId);
    expect(await rows(keyId)).toEqual([]);
  });

  it("a failed deletion is audited and tried again later", async () => {
    const { userName, keyId, old } = await retired();
    iam.fail("DeleteAccessKey", { status: 500, code: "ServiceFailure" }, 1);
    const s = sweeper();
    expect(await s.tick()).toBe(0);
    const [row] = await rows(keyId);
    const retryAt = new Date(clock.getTime() + MINUTE).toISOString();
    expect(row).toMatchObject({ status: "pending", attempts: 1, last_error: "ServiceFailure", delete_after: retryAt, claimed_until: null });
    expect(JSON.parse((await events(keyId))[0].details)).toEqual({
      step: "delete_old_key",
      outcome: "failed",
      accessKeyId: old.accessKeyId,
      attempts: 1,
      code: "ServiceFailure",
      status: 500,
      retryAt,
    });
    expect(await s.tick()).toBe(0); // not yet
    clock = new Date(clock.getTime() + MINUTE);
    expect(await s.tick()).toBe(1);
    expect(deleteCalls(old.accessKeyId).map((c) => c.error)).toEqual(["ServiceFailure", undefined]);
    expect(iam.keysOf(userName)).toHaveLength(1);
    expect((await events(keyId)).map((e) => JSON.parse(e.details))).toMatchObject([{ outcome: "failed" }, { outcome: "ok", attempts: 2 }]);
  });

  it("gives up after the last attempt, and says so in the audit log", async () => {
    const { userName, keyId, old } = await retired();
    iam.fail("DeleteAccessKey", { status: 403, code: "AccessDenied" });
    const s = sweeper({ maxAttempts: 2 });
    expect(await s.tick()).toBe(0);
    clock = new Date(clock.getTime() + MINUTE);
    expect(await s.tick()).toBe(0);
    clock = new Date(clock.getTime() + 600 * MINUTE);
    expect(await s.tick()).toBe(0);
    expect(deleteCalls(old.accessKeyId)).toHaveLength(2);
    expect(await rows(keyId)).toMatchObject([{ status: "failed", attempts: 2, last_error: "AccessDenied" }]);
    expect(JSON.parse((await events(keyId)).at(-1)!.details)).toMatchObject({ outcome: "failed", code: "AccessDenied", gaveUp: true });
    expect(iam.keysOf(userName)).toHaveLength(2);
  });

  it("never deletes the access key the Keyhaven key holds now (rolled back to the old one)", async () => {
    const { owner, userName, keyId, old } = await retired();
    await rt.keys.update(actorFor(owner), owner, keyId, { value: old });
    expect(await sweeper().tick()).toBe(0);
    expect(deleteCalls(old.accessKeyId)).toHaveLength(0);
    expect(iam.keysOf(userName)).toHaveLength(2);
    expect(await rows(keyId)).toMatchObject([{ status: "failed", last_error: "KeyInUse" }]);
    expect(JSON.parse((await events(keyId)).at(-1)!.details)).toMatchObject({ outcome: "failed", code: "KeyInUse", gaveUp: true });
  });

  it("reports an old key it cannot delete because the Keyhaven key is gone", async () => {
    const { owner, keyId, old } = await retired();
    await rt.keys.remove(actorFor(owner), owner, keyId);
    expect(await sweeper().tick()).toBe(0);
    expect(deleteCalls(old.accessKeyId)).toHaveLength(0);
    expect(await rows(keyId)).toMatchObject([{ status: "failed", last_error: "KeyNotFound" }]);
    const last = (await events(keyId)).at(-1)!;
    expect(last.user_id).toBe(owner.id);
    expect(JSON.parse(last.details)).toMatchObject({ step: "delete_old_key", outcome: "failed", code: "KeyNotFound" });
  });

  it("an old key already deleted by hand counts as deleted", async () => {
    const { working, keyId, old } = await retired();
    await createAwsIamClient({ iamBaseUrl: `${fake.url}/aws-iam` }).deleteAccessKey(working, old.accessKeyId);
    expect(await sweeper().tick()).toBe(1);
    expect(await rows(keyId)).toEqual([]);
    expect(JSON.parse((await events(keyId)).at(-1)!.details)).toMatchObject({ outcome: "ok", alreadyDeleted: true });
  });

  describe("the sweeper's life", () => {
    it("runs on its interval once started, and stops on close", async () => {
      const { userName, old } = await retired();
      const s = createAwsKeyRetirementSweeper({
        retirements: retirements(),
        iam: createAwsIamClient({ iamBaseUrl: `${fake.url}/aws-iam` }),
        currentAwsValue: async (owner, keyId) => (await rt.keys.openForRotation(ROTATION_ACTOR, owner, keyId)).value,
        logger: { warn: () => {}, error: () => {} },
        intervalMs: 20,
        now: () => clock,
      });
      s.start();
      const until = Date.now() + 5_000;
      while (iam.keysOf(userName).length > 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await s.close();
      expect(iam.keysOf(userName).map((k) => k.accessKeyId)).not.toContain(old.accessKeyId);
      await s.close(); // idempotent
    });
  });
});
