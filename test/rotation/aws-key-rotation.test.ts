/**
 * AWS automatic rotation against the fake IAM (test/support/fake-iam.ts), which checks every
 * SigV4 signature against the secret of the key it claims. The key is a real stored key of a
 * real runtime: the context reads its value through the key service, switches it with a real
 * update and audits each step as a `key.rotate` event (the key service's own rotate flow is
 * built elsewhere; this context stands in for it). Each failing step is injected at the fake,
 * and each test proves the working key is in place by signing a real STS request with the
 * value the key holds afterwards.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ROTATION_ACTOR } from "../../src/access/actor.js";
import type { OwnerRef } from "../../src/access/owner.js";
import type { Runtime } from "../../src/app/compose.js";
import { auditEvent } from "../../src/audit/audit-service.js";
import { AppError } from "../../src/platform/errors.js";
import type { AutomaticRotationContext } from "../../src/rotation/automatic-rotation.js";
import { AwsCallError, createAwsIamClient, type AwsIamClient } from "../../src/rotation/aws-iam-client.js";
import { createAwsKeyRotator } from "../../src/rotation/aws-key-rotation.js";
import { createAwsKeyRetirements } from "../../src/rotation/aws-key-retirements.js";
import type { AwsCredentialValue, KeyValue } from "../../src/services/provider-definition.js";
import { actorFor } from "../support/actors.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";
import { createFakeIam, type FakeIam } from "../support/fake-iam.js";
import { FAKE_AWS_SECRET_ACCESS_KEY, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";

interface Step {
  name: string;
  outcome: string;
  details: Record<string, string | number | boolean>;
}

/** Three quick re-checks instead of AWS's seconds. */
const DELAYS = [1, 1, 1];

let fake: FakeProvider;
let iam: FakeIam;
let client: AwsIamClient;

beforeAll(async () => {
  iam = createFakeIam();
  fake = await startFakeProvider({ iam });
  client = createAwsIamClient({ iamBaseUrl: `${fake.url}/aws-iam`, stsBaseUrl: `${fake.url}/aws` });
});
afterAll(() => fake.close());
afterEach(() => {
  iam.clearFailures();
  iam.state.newKeysInvalidForChecks = 0;
});

let users = 0;

describeEachDatabase("AWS automatic rotation", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  let clock = new Date("2026-11-29T10:00:00.000Z");
  const env = () => ({
    KEYHAVEN_AWS_BASE_URL: `${fake.url}/aws`,
    KEYHAVEN_AWS_IAM_BASE_URL: `${fake.url}/aws-iam`,
    KEYHAVEN_AWS_ROTATION_GRACE_HOURS: "0",
  });

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime(env(), { now: () => clock });
  });
  afterAll(() => tdb.drop());

  /** A user at the fake IAM with one access key, stored in Keyhaven as an AWS key. */
  async function awsUser(opts: { region?: string } = {}) {
    const userName = `user${++users}-${dialect}`;
    const owner: OwnerRef = { type: "user", id: `user_${userName}` };
    const initial = iam.addUser(userName);
    const key = await rt.keys.create(actorFor(owner), owner, {
      name: "aws",
      service: "aws",
      value: initial,
      config: { region: opts.region ?? "eu-west-1" },
    });
    return { userName, owner, keyId: key.id, initial };
  }

  const current = async (owner: OwnerRef, keyId: string) =>
    (await rt.keys.openForRotation(ROTATION_ACTOR, owner, keyId)).value as AwsCredentialValue;

  /** The context the key service hands a rotator, on the real key: read, switched, audited. */
  async function contextFor(owner: OwnerRef, keyId: string, opts: { switchFails?: boolean; switchAs?: OwnerRef } = {}) {
    const key = await rt.keys.openForRotation(ROTATION_ACTOR, owner, keyId);
    const steps: Step[] = [];
    const ctx: AutomaticRotationContext = {
      keyId,
      service: key.service,
      config: key.config,
      current: key.value,
      async switchTo(next: KeyValue) {
        if (opts.switchFails) throw new Error("the database is gone");
        await rt.keys.update(actorFor(opts.switchAs ?? owner), owner, keyId, { value: next });
      },
      async step(name, outcome, details = {}) {
        steps.push({ name, outcome, details });
        await rt.audit.record(
          auditEvent(ROTATION_ACTOR, "key.rotate", { owner, target: { type: "key", id: keyId }, details: { step: name, outcome, ...details } }),
        );
      },
    };
    return { ctx, steps };
  }

  const quickRotator = (graceHours = 0) =>
    createAwsKeyRotator({ iam: client, retirements: createAwsKeyRetirements(rt.database.db, () => clock), graceHours, checkDelaysMs: DELAYS });

  /** The value works at (the fake) STS: a real signed GetCallerIdentity. */
  async function expectWorks(value: AwsCredentialValue, userName: string) {
    const { arn } = await client.getCallerIdentity(value, "eu-west-1");
    expect(arn).toBe(`arn:aws:iam::123456789012:user/${userName}`);
  }

  async function rejection(p: Promise<unknown>): Promise<AppError> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }

  /** No secret the fake ever made (nor the example one) in the steps, the message or any audit row. */
  async function expectNoSecrets(steps: Step[], err?: Error) {
    const auditRows = await rt.database.db.selectFrom("audit_events").selectAll().execute();
    const retirementRows = await rt.database.db.selectFrom("aws_key_retirements").selectAll().execute();
    const text = JSON.stringify({ steps, message: err?.message, auditRows, retirementRows });
    for (const secret of [...iam.secrets(), FAKE_AWS_SECRET_ACCESS_KEY]) expect(text).not.toContain(secret);
  }

  const names = (steps: Step[]) => steps.map((s) => `${s.name}:${s.outcome}`);
  const callsSince = (n: number) => iam.calls.slice(n);

  describe("the happy path", () => {
    it("creates, checks, switches, deactivates, schedules; the sweeper deletes the old key (grace 0)", async () => {
      const { userName, owner, keyId, initial } = await awsUser();
      const { ctx, steps } = await contextFor(owner, keyId);
      const before = iam.calls.length;

      // The runtime's own rotator: its IAM and STS endpoints and grace period come from the environment.
      await rt.awsRotation.rotator.rotate(ctx);

      expect(names(steps)).toEqual(["create_access_key:ok", "check_new_key:ok", "switch:ok", "deactivate_old_key:ok", "schedule_deletion:ok"]);
      const now = await current(owner, keyId);
      expect(now.accessKeyId).not.toBe(initial.accessKeyId);
      await expectWorks(now, userName);
      expect(steps[0].details).toEqual({ accessKeyId: now.accessKeyId });
      expect(steps[2].details).toEqual({ accessKeyId: now.accessKeyId, previousAccessKeyId: initial.accessKeyId });
      expect(steps[4].details).toMatchObject({ accessKeyId: initial.accessKeyId, graceHours: 0, deleteAfter: clock.toISOString() });
      // The key's config (its region) is untouched; only the value and version changed.
      expect((await rt.keys.get(actorFor(owner), owner, keyId)).config).toEqual({ region: "eu-west-1" });

      // At IAM: created with the old key, deactivated with the new one; the old key no longer signs.
      expect(callsSince(before).map((c) => [c.action, c.signedBy, c.error])).toEqual([
        ["CreateAccessKey", initial.accessKeyId, undefined],
        ["UpdateAccessKey", now.accessKeyId, undefined],
      ]);
      expect(iam.keysOf(userName)).toEqual([
        { accessKeyId: initial.accessKeyId, status: "Inactive" },
        { accessKeyId: now.accessKeyId, status: "Active" },
      ]);
      await expect(client.getCallerIdentity(initial, "eu-west-1")).rejects.toMatchObject({ code: "InvalidClientTokenId", status: 403 });

      // The grace period (0) is over: the next round deletes the old key, signed with the new one.
      const mark = iam.calls.length;
      expect(await rt.awsRotation.sweeper.tick()).toBe(1);
      expect(callsSince(mark).map((c) => [c.action, c.signedBy, c.params.AccessKeyId, c.error])).toEqual([
        ["DeleteAccessKey", now.accessKeyId, initial.accessKeyId, undefined],
      ]);
      expect(iam.keysOf(userName)).toEqual([{ accessKeyId: now.accessKeyId, status: "Active" }]);
      expect(await rt.database.db.selectFrom("aws_key_retirements").where("key_id", "=", keyId).selectAll().execute()).toEqual([]);
      const deleted = await rt.database.db
        .selectFrom("audit_events")
        .selectAll()
        .where("target_id", "=", keyId)
        .where("actor_id", "=", "rotation")
        .orderBy("seq", "desc")
        .executeTakeFirstOrThrow();
      expect(deleted.action).toBe("key.rotate");
      expect(deleted.user_id).toBe(owner.id);
      expect(JSON.parse(deleted.details)).toEqual({ step: "delete_old_key", outcome: "ok", accessKeyId: initial.accessKeyId, attempts: 1 });
      expect(await rt.awsRotation.sweeper.tick()).toBe(0);
      await expectNoSecrets(steps);
    });

    it("waits for a new key AWS has not propagated yet (retried checks)", async () => {
      const { userName, owner, keyId } = await awsUser();
      iam.state.newKeysInvalidForChecks = 2;
      const { ctx, steps } = await contextFor(owner, keyId);
      await quickRotator().rotate(ctx);
      expect(steps.find((s) => s.name === "check_new_key")).toMatchObject({ outcome: "ok", details: { attempts: 3 } });
      await expectWorks(await current(owner, keyId), userName);
      expect(await rt.awsRotation.sweeper.tick()).toBe(1);
      expect(iam.keysOf(userName)).toHaveLength(1);
    });

    it("keeps the old key for the grace period before deleting it", async () => {
      const { userName, owner, keyId, initial } = await awsUser();
      const { ctx, steps } = await contextFor(owner, keyId);
      await quickRotator(24).rotate(ctx);
      const deleteAfter = new Date(clock.getTime() + 24 * 3_600_000).toISOString();
      expect(steps.at(-1)).toMatchObject({ name: "schedule_deletion", details: { deleteAfter, graceHours: 24 } });

      const mark = iam.calls.length;
      expect(await rt.awsRotation.sweeper.tick()).toBe(0);
      expect(iam.keysOf(userName)).toHaveLength(2);
      clock = new Date(clock.getTime() + 24 * 3_600_000);
      expect(await rt.awsRotation.sweeper.tick()).toBe(1);
      expect(callsSince(mark).map((c) => c.action)).toEqual(["DeleteAccessKey"]);
      expect(iam.keysOf(userName).map((k) => k.accessKeyId)).not.toContain(initial.accessKeyId);
    });
  });

  describe("a failure at each step leaves the working key in place and names the step", () => {
    it("create_access_key: nothing changes", async () => {
      const { userName, owner, keyId, initial } = await awsUser();
      iam.fail("CreateAccessKey", { status: 500, code: "ServiceFailure" });
      const { ctx, steps } = await contextFor(owner, keyId);
      const err = await rejection(quickRotator().rotate(ctx));
      expect(err.message).toContain("failed at step create_access_key");
      expect(err.message).toContain("AWS answered 500 ServiceFailure");
      expect(names(steps)).toEqual(["create_access_key:failed"]);
      expect(steps[0].details).toEqual({ code: "ServiceFailure", status: 500 });
      expect(await current(owner, keyId)).toEqual(initial);
      await expectWorks(initial, userName);
      expect(iam.keysOf(userName)).toEqual([{ accessKeyId: initial.accessKeyId, status: "Active" }]);
      await expectNoSecrets(steps, err);
    });

    it("create_access_key: AWS's 2-key limit gets a message saying what to do", async () => {
      const { userName, owner, keyId, initial } = await awsUser();
      iam.addKey(userName);
      const { ctx, steps } = await contextFor(owner, keyId);
      const err = await rejection(quickRotator().rotate(ctx));
      expect(err.code).toBe("CONFLICT");
      expect(err.message).toMatch(/failed at step create_access_key: this IAM user already has 2 access keys, the most AWS allows/);
      expect(err.message).toContain("then rotate again");
      expect(steps).toEqual([{ name: "create_access_key", outcome: "failed", details: { code: "LimitExceeded", status: 409 } }]);
      expect(await current(owner, keyId)).toEqual(initial);
      await expectWorks(initial, userName);
    });

    it("check_new_key: a new key that never works is deleted again; the old one stays", async () => {
      const { userName, owner, keyId, initial } = await awsUser();
      iam.state.newKeysInvalidForChecks = Infinity;
      const { ctx, steps } = await contextFor(owner, keyId);
      const mark = iam.calls.length;
      const err = await rejection(quickRotator().rotate(ctx));
      expect(err.message).toContain("failed at step check_new_key: the new key did not work at AWS STS after 4 checks");
      expect(err.message).toContain("was deleted again; the current key is still in use");
      expect(names(steps)).toEqual(["create_access_key:ok", "check_new_key:failed", "delete_new_key:ok"]);
      const newId = steps[0].details.accessKeyId;
      expect(steps[1].details).toEqual({ code: "InvalidClientTokenId", status: 403, attempts: 4, accessKeyId: newId });
      // The cleanup is signed with the old key, the only one known to work.
      expect(callsSince(mark).map((c) => [c.action, c.signedBy, c.params.AccessKeyId])).toEqual([
        ["CreateAccessKey", initial.accessKeyId, undefined],
        ["DeleteAccessKey", initial.accessKeyId, newId],
      ]);
      expect(await current(owner, keyId)).toEqual(initial);
      await expectWorks(initial, userName);
      expect(iam.keysOf(userName)).toEqual([{ accessKeyId: initial.accessKeyId, status: "Active" }]);
      await expectNoSecrets(steps, err);
    });

    it("check_new_key: when deleting the new key fails too, that is recorded and the old key still works", async () => {
      const { userName, owner, keyId, initial } = await awsUser();
      iam.state.newKeysInvalidForChecks = Infinity;
      iam.fail("DeleteAccessKey", { status: 500, code: "ServiceFailure" });
      const { ctx, steps } = await contextFor(owner, keyId);
      const err = await rejection(quickRotator().rotate(ctx));
      expect(err.message).toContain("failed at step check_new_key");
      expect(names(steps)).toEqual(["create_access_key:ok", "check_new_key:failed", "delete_new_key:failed"]);
      expect(err.message).toContain(`The new key ${steps[0].details.accessKeyId} could not be deleted again; delete it in the IAM console`);
      expect(steps[2].details).toMatchObject({ code: "ServiceFailure", status: 500 });
      expect(await current(owner, keyId)).toEqual(initial);
      await expectWorks(initial, userName);
      await expectNoSecrets(steps, err);
    });

    it("switch: the new key is deleted again; the old one stays", async () => {
      const { userName, owner, keyId, initial } = await awsUser();
      const { ctx, steps } = await contextFor(owner, keyId, { switchFails: true });
      const err = await rejection(quickRotator().rotate(ctx));
      expect(err.message).toContain("failed at step switch: the new key could not be stored");
      expect(names(steps)).toEqual(["create_access_key:ok", "check_new_key:ok", "switch:failed", "delete_new_key:ok"]);
      expect(await current(owner, keyId)).toEqual(initial);
      await expectWorks(initial, userName);
      expect(iam.keysOf(userName)).toEqual([{ accessKeyId: initial.accessKeyId, status: "Active" }]);
      // The database's own error text is not passed on.
      expect(err.message).not.toContain("database is gone");
      await expectNoSecrets(steps, err);
    });

    it("switch: the key service's refusal is named (its message is written for users)", async () => {
      const { userName, owner, keyId, initial } = await awsUser();
      // The real key service refusing the write: another user's actor.
      const { ctx, steps } = await contextFor(owner, keyId, { switchAs: { type: "user", id: "user_someone_else" } });
      const err = await rejection(quickRotator().rotate(ctx));
      expect(err.message).toContain("failed at step switch: the new key could not be stored (You are not allowed to do that)");
      expect(names(steps)).toEqual(["create_access_key:ok", "check_new_key:ok", "switch:failed", "delete_new_key:ok"]);
      expect(await current(owner, keyId)).toEqual(initial);
      await expectWorks(initial, userName);
    });

    it("deactivate_old_key: the new key is the working key; the old one is still scheduled for deletion", async () => {
      const { userName, owner, keyId, initial } = await awsUser();
      iam.fail("UpdateAccessKey", { status: 403, code: "AccessDenied" });
      const { ctx, steps } = await contextFor(owner, keyId);
      const err = await rejection(quickRotator().rotate(ctx));
      expect(err.message).toContain("failed at step deactivate_old_key: IAM UpdateAccessKey did not succeed (AWS answered 403 AccessDenied)");
      expect(names(steps)).toEqual(["create_access_key:ok", "check_new_key:ok", "switch:ok", "deactivate_old_key:failed", "schedule_deletion:ok"]);
      const now = await current(owner, keyId);
      expect(now.accessKeyId).not.toBe(initial.accessKeyId);
      expect(err.message).toContain(`The new key ${now.accessKeyId} is in use`);
      await expectWorks(now, userName);
      expect(iam.keysOf(userName)).toEqual([
        { accessKeyId: initial.accessKeyId, status: "Active" },
        { accessKeyId: now.accessKeyId, status: "Active" },
      ]);
      // Left active, but not for good: deleted when its grace period (0 here) is over.
      expect(await rt.awsRotation.sweeper.tick()).toBe(1);
      expect(iam.keysOf(userName)).toEqual([{ accessKeyId: now.accessKeyId, status: "Active" }]);
      await expectNoSecrets(steps, err);
    });

    it("schedule_deletion: the new key is in use, the old one inactive, and the message says to delete it by hand", async () => {
      const { userName, owner, keyId, initial } = await awsUser();
      const real = createAwsKeyRetirements(rt.database.db, () => clock);
      // The real store, asked for a key id it does not have: its own failure.
      const rotator = createAwsKeyRotator({
        iam: client,
        retirements: { schedule: (_keyId, accessKeyId, hours) => real.schedule("key_that_is_gone", accessKeyId, hours) },
        graceHours: 0,
        checkDelaysMs: DELAYS,
      });
      const { ctx, steps } = await contextFor(owner, keyId);
      const err = await rejection(rotator.rotate(ctx));
      expect(err.message).toContain("failed at step schedule_deletion");
      expect(err.message).toContain(`delete the old key ${initial.accessKeyId} in the IAM console yourself`);
      expect(names(steps)).toEqual(["create_access_key:ok", "check_new_key:ok", "switch:ok", "deactivate_old_key:ok", "schedule_deletion:failed"]);
      const now = await current(owner, keyId);
      await expectWorks(now, userName);
      expect(iam.keysOf(userName)).toContainEqual({ accessKeyId: initial.accessKeyId, status: "Inactive" });
      await expectNoSecrets(steps, err);
    });
  });

  describe("refusals", () => {
    it("refuses temporary credentials up front, calling nothing", async () => {
      const owner: OwnerRef = { type: "user", id: "user_temporary" };
      const temporary = {
        accessKeyId: "ASIAABCDEFGHIJKLMNOP",
        secretAccessKey: FAKE_AWS_SECRET_ACCESS_KEY,
        sessionToken: "FwoGZXIvYXdzEFAKESESSIONTOKENforKeyhavenTests0123456789",
      };
      const key = await rt.keys.create(actorFor(owner), owner, { name: "temp", service: "aws", value: temporary });
      const { ctx, steps } = await contextFor(owner, key.id);
      const mark = iam.calls.length;
      const err = await rejection(quickRotator().rotate(ctx));
      expect(err.code).toBe("VALIDATION_ERROR");
      expect(err.message).toMatch(/^Temporary AWS credentials \(ASIA… with a session token\) cannot be rotated/);
      expect(steps).toEqual([]);
      expect(iam.calls.length).toBe(mark);
      expect(await current(owner, key.id)).toEqual(temporary);
    });

    it("supports aws only", () => {
      const rotator = quickRotator();
      expect(rotator.supports("aws")).toBe(true);
      for (const other of ["openai", "anthropic", "google", "groq", "xai", "custom"]) expect(rotator.supports(other)).toBe(false);
    });
  });

  describe("the fake IAM is strict, as AWS is", () => {
    it("refuses a request signed with a wrong secret, an unknown key or a deactivated one", async () => {
      const userName = `strict-${dialect}`;
      const good = iam.addUser(userName);
      const wrongSecret = { ...good, secretAccessKey: FAKE_AWS_SECRET_ACCESS_KEY };
      await expect(client.createAccessKey(wrongSecret)).rejects.toMatchObject({ code: "SignatureDoesNotMatch", status: 403 });
      await expect(client.createAccessKey({ accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: good.secretAccessKey })).rejects.toMatchObject({
        code: "InvalidClientTokenId",
      });
      const second = await client.createAccessKey(good);
      await client.updateAccessKey(second, good.accessKeyId, "Inactive");
      await expect(client.createAccessKey(good)).rejects.toBeInstanceOf(AwsCallError);
      await expect(client.getCallerIdentity(good, "us-east-1")).rejects.toMatchObject({ code: "InvalidClientTokenId" });
      await client.deleteAccessKey(second, good.accessKeyId);
      await expect(client.deleteAccessKey(second, good.accessKeyId)).rejects.toMatchObject({ code: "NoSuchEntity", status: 404 });
      expect(iam.keysOf(userName)).toEqual([{ accessKeyId: second.accessKeyId, status: "Active" }]);
    });
  });
});
