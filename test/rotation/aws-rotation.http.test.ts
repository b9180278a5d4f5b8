/**
 * AWS automatic rotation end to end: the real HTTP app with its default automatic rotator (the
 * real AWS one, built by compose.ts from the config: KEYHAVEN_AWS_BASE_URL for STS,
 * KEYHAVEN_AWS_IAM_BASE_URL for IAM, KEYHAVEN_AWS_ROTATION_GRACE_HOURS), talking over HTTP to
 * the fake provider with its fake IAM, which checks every SigV4 signature against the secret of
 * the key it claims. What a user does (rotate, read versions, hand the key out, read the audit
 * log) goes through the routes; what happens at AWS is read from the fake IAM. The scheduler
 * and the retirement sweeper are the runtime's own, run once instead of waiting for their timers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAwsIamClient, type AwsIamClient } from "../../src/rotation/aws-iam-client.js";
import { createRuntime, type Runtime } from "../../src/app/compose.js";
import { createLogger } from "../../src/platform/logger.js";
import { describeEachDatabase } from "../support/databases.js";
import { createFakeIam, type FakeIam } from "../support/fake-iam.js";
import { FAKE_AWS_SECRET_ACCESS_KEY, fakeBaseUrlOverrides, fakeKey, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
import { createHttpApp, expectError, jsonOf, KEY_NOT_FOUND, unique, type HttpApp, type SignedUpUser } from "../support/http-app.js";

const DAY_MS = 86_400_000;
const STEPS = ["create_access_key", "check_new_key", "switch", "deactivate_old_key", "schedule_deletion"];

let fake: FakeProvider;
let iam: FakeIam;
let sts: AwsIamClient;

beforeAll(async () => {
  iam = createFakeIam();
  fake = await startFakeProvider({ iam });
  sts = createAwsIamClient({ iamBaseUrl: `${fake.url}/aws-iam`, stsBaseUrl: `${fake.url}/aws` });
});
afterAll(() => fake?.close());
afterEach(() => {
  iam.clearFailures();
  iam.state.newKeysInvalidForChecks = 0;
});

let iamUsers = 0;

describeEachDatabase("AWS automatic rotation through the app", (dialect) => {
  let h: HttpApp;
  let user: SignedUpUser;
  let clockOffsetMs = 0;
  const now = () => new Date(Date.now() + clockOffsetMs);
  const env = () => ({
    KEYHAVEN_AWS_BASE_URL: `${fake.url}/aws`,
    KEYHAVEN_AWS_IAM_BASE_URL: `${fake.url}/aws-iam`,
    KEYHAVEN_AWS_ROTATION_GRACE_HOURS: "0",
    KEYHAVEN_OPENAI_BASE_URL: fakeBaseUrlOverrides(fake.url).openai,
  });

  beforeAll(async () => {
    // No automaticRotator given: the runtime's default, the real AWS rotator. Short waits between
    // the STS checks of a new key (AWS's are about 30 s in all).
    h = await createHttpApp(dialect, { env: env(), now, logLevel: "debug", awsCheckDelaysMs: [1, 1, 1] });
    user = await h.signUp();
  });
  afterAll(() => h?.close());

  const as = (u: SignedUpUser) => ({
    get: (path: string) => h.request("GET", path, { cookie: u.cookie }),
    put: (path: string, body: unknown) => h.request("PUT", path, { cookie: u.cookie, body }),
    post: (path: string, body: unknown) => h.request("POST", path, { cookie: u.cookie, body }),
  });

  /** A user at the fake IAM with one access key, stored by `u` as their only AWS key. */
  async function awsKey(u: SignedUpUser, opts: { everyDays?: number } = {}) {
    const userName = `iam${++iamUsers}-${dialect}`;
    const initial = iam.addUser(userName);
    const key = await h.createKey(u, { name: `aws ${unique()}`, service: "aws", value: initial, config: { region: "eu-west-1" } });
    if (opts.everyDays) await jsonOf(await as(u).put(`/api/api-keys/${key.id}`, { rotation: { everyDays: opts.everyDays } }), 200);
    return { id: key.id as string, userName, initial };
  }

  /** What the app hands out for AWS to `u` (GET /api/resolve/aws with the session). */
  const handedOut = async (u: SignedUpUser) => (await jsonOf(await as(u).get("/api/resolve/aws"), 200)).credentials;

  /** The pair signs a real STS GetCallerIdentity the fake accepts, as that IAM user. */
  async function expectWorks(creds: { accessKeyId: string; secretAccessKey: string }, userName: string) {
    expect((await sts.getCallerIdentity(creds, "eu-west-1")).arn).toBe(`arn:aws:iam::123456789012:user/${userName}`);
  }

  /** The key's `key.rotate` events, oldest first, through GET /api/audit?keyId=. */
  async function rotateEvents(u: SignedUpUser, keyId: string) {
    const res = await as(u).get(`/api/audit?keyId=${encodeURIComponent(keyId)}&action=key.rotate&limit=200`);
    const text = await res.clone().text();
    const { events } = await jsonOf(res, 200);
    return { text, events: [...events].reverse() as { actor: { id: string }; details: Record<string, unknown> }[] };
  }
  const steps = (events: { details: Record<string, unknown> }[]) => events.map((e) => `${String(e.details.step)}:${String(e.details.outcome)}`);

  /** No secret the fake IAM ever made (nor the example one) in `texts` or any server log line. */
  function expectNoSecrets(...texts: string[]) {
    expect(h.logs.length).toBeGreaterThan(0);
    const all = [...texts, ...h.logs].join("\n");
    for (const secret of [...iam.secrets(), FAKE_AWS_SECRET_ACCESS_KEY]) expect(all).not.toContain(secret);
  }

  describe("on demand: POST /api/api-keys/:id/rotate { automatic: true }", () => {
    it("mints a new access key, hands it out, keeps the old one as a version, audits each step", async () => {
      const { id, userName, initial } = await awsKey(user);
      const res = await as(user).post(`/api/api-keys/${id}/rotate`, { automatic: true });
      const rotateText = await res.clone().text();
      const key = await jsonOf(res, 200);
      expect(key.id).toBe(id);
      expect(key.rotation.lastRotatedAt).not.toBeNull();

      // At IAM: a new active key, the old one inactive.
      const keys = iam.keysOf(userName);
      expect(keys).toHaveLength(2);
      expect(keys[0]).toEqual({ accessKeyId: initial.accessKeyId, status: "Inactive" });
      const fresh = keys[1];
      expect(fresh.status).toBe("Active");
      expect(key.maskedValue).toContain(fresh.accessKeyId.slice(-4));

      // The hand-out is the new pair, and it works at STS; the old one no longer does.
      const creds = await handedOut(user);
      expect(creds.accessKeyId).toBe(fresh.accessKeyId);
      expect(creds.secretAccessKey).toBe(iam.secretOf(fresh.accessKeyId));
      await expectWorks(creds, userName);
      await expect(sts.getCallerIdentity(initial, "eu-west-1")).rejects.toMatchObject({ code: "InvalidClientTokenId" });

      const versionsRes = await as(user).get(`/api/api-keys/${id}/versions`);
      const versionsText = await versionsRes.clone().text();
      const { versions } = await jsonOf(versionsRes, 200);
      expect(versions.map((v: any) => [v.version, v.current])).toEqual([
        [2, true],
        [1, false],
      ]);
      expect(versions[0].maskedValue).toContain(fresh.accessKeyId.slice(-4));
      expect(versions[1].maskedValue).toContain(initial.accessKeyId.slice(-4));
      for (const v of versions) expect(v.maskedValue).not.toContain(v.current ? fresh.accessKeyId : initial.accessKeyId);

      const { text, events } = await rotateEvents(user, id);
      expect(steps(events)).toEqual(STEPS.map((s) => `${s}:ok`));
      expect(events.every((e) => e.actor.id === user.id)).toBe(true);
      expect(events[0].details).toMatchObject({ accessKeyId: fresh.accessKeyId });
      expect(events[2].details).toEqual({ automatic: true, step: "switch", outcome: "ok", version: 2, previousVersion: 1 });
      expect(events[4].details).toMatchObject({ accessKeyId: initial.accessKeyId, graceHours: 0 });
      expectNoSecrets(rotateText, versionsText, text);
    });

    it("grace period 0: the sweeper's next round deletes the old access key at IAM and records delete_old_key", async () => {
      const { id, userName, initial } = await awsKey(user);
      await jsonOf(await as(user).post(`/api/api-keys/${id}/rotate`, { automatic: true }), 200);
      const current = await handedOut(user);

      expect(await h.runtime.awsRotation.sweeper.tick()).toBeGreaterThanOrEqual(1);
      expect(iam.keysOf(userName)).toEqual([{ accessKeyId: current.accessKeyId, status: "Active" }]);
      const deletion = iam.calls.filter((c) => c.action === "DeleteAccessKey" && c.params.AccessKeyId === initial.accessKeyId);
      expect(deletion.map((c) => [c.signedBy, c.error])).toEqual([[current.accessKeyId, undefined]]);

      const { text, events } = await rotateEvents(user, id);
      const last = events.at(-1)!;
      expect(last.actor.id).toBe("rotation");
      expect(last.details).toEqual({ step: "delete_old_key", outcome: "ok", accessKeyId: initial.accessKeyId, attempts: 1 });
      await expectWorks(await handedOut(user), userName);
      expectNoSecrets(text);
    });
  });

  it("a rollback within the grace period: the sweeper never deletes the access key the key holds again", async () => {
    const u = await h.signUp();
    const { id, userName, initial } = await awsKey(u);
    await jsonOf(await as(u).post(`/api/api-keys/${id}/rotate`, { automatic: true }), 200);
    const fresh = (await handedOut(u)).accessKeyId as string;
    await jsonOf(await as(u).post(`/api/api-keys/${id}/rollback`, { version: 1 }), 200);
    expect(await handedOut(u)).toEqual(initial);

    await h.runtime.awsRotation.sweeper.tick();
    // Still there (inactive: the README asks the user to reactivate it in the IAM console).
    expect(iam.keysOf(userName)).toEqual([
      { accessKeyId: initial.accessKeyId, status: "Inactive" },
      { accessKeyId: fresh, status: "Active" },
    ]);
    expect(iam.calls.filter((c) => c.action === "DeleteAccessKey" && c.params.AccessKeyId === initial.accessKeyId)).toEqual([]);
    const { text, events } = await rotateEvents(u, id);
    expect(events.at(-1)).toMatchObject({
      actor: { id: "rotation" },
      details: { step: "delete_old_key", outcome: "failed", accessKeyId: initial.accessKeyId, code: "KeyInUse", gaveUp: true },
    });
    expectNoSecrets(text);
  });

  describe("failures through HTTP", () => {
    it("CreateAccessKey refused: 409 naming the step, nothing changed, no new key at IAM", async () => {
      const u = await h.signUp();
      const { id, userName, initial } = await awsKey(u);
      iam.fail("CreateAccessKey", { status: 403, code: "AccessDenied" });
      const text = await expectError(await as(u).post(`/api/api-keys/${id}/rotate`, { automatic: true }), 409, {
        code: "CONFLICT",
        message: /^AWS key rotation failed at step create_access_key: .*AccessDenied.*Nothing was changed/,
      });
      expect(await handedOut(u)).toEqual(initial);
      expect(iam.keysOf(userName)).toEqual([{ accessKeyId: initial.accessKeyId, status: "Active" }]);
      expect((await jsonOf(await as(u).get(`/api/api-keys/${id}/versions`), 200)).versions).toHaveLength(1);
      const audit = await rotateEvents(u, id);
      expect(steps(audit.events)).toEqual(["create_access_key:failed"]);
      expect(audit.events[0].details).toMatchObject({ code: "AccessDenied", status: 403 });
      expectNoSecrets(text, audit.text);
    });

    it("a new key STS never accepts: 409 naming check_new_key, the new key deleted again, the old one current", async () => {
      const u = await h.signUp();
      const { id, userName, initial } = await awsKey(u);
      iam.state.newKeysInvalidForChecks = Infinity;
      const text = await expectError(await as(u).post(`/api/api-keys/${id}/rotate`, { automatic: true }), 409, {
        code: "CONFLICT",
        message: /^AWS key rotation failed at step check_new_key: .*was deleted again; the current key is still in use\.$/,
      });
      expect(iam.keysOf(userName)).toEqual([{ accessKeyId: initial.accessKeyId, status: "Active" }]);
      expect(await handedOut(u)).toEqual(initial);
      await expectWorks(initial, userName);
      const audit = await rotateEvents(u, id);
      expect(steps(audit.events)).toEqual(["create_access_key:ok", "check_new_key:failed", "delete_new_key:ok"]);
      expect(audit.events[1].details).toMatchObject({ code: "InvalidClientTokenId", attempts: 4 });
      expectNoSecrets(text, audit.text);
    });

    it("temporary credentials (ASIA… with a session token): 400, nothing called at IAM", async () => {
      const temporary = fakeKey("aws", "valid", { temporary: true });
      const key = await h.createKey(user, { name: `aws temp ${unique()}`, service: "aws", value: temporary, config: { region: "eu-west-1" } });
      const before = iam.calls.length;
      await expectError(await as(user).post(`/api/api-keys/${key.id}/rotate`, { automatic: true }), 400, {
        code: "VALIDATION_ERROR",
        message: /^Temporary AWS credentials .* cannot be rotated/,
      });
      expect(iam.calls.length).toBe(before);
    });

    it("a key of a service with no key-creation API (openai): 400 saying so", async () => {
      const key = await h.createKey(user, { name: `openai ${unique()}`, service: "openai", value: fakeKey("openai", "valid") });
      const res = await as(user).post(`/api/api-keys/${key.id}/rotate`, { automatic: true });
      const body = await jsonOf(res, 400);
      expect(body.error.code).toBe("VALIDATION_ERROR");
      expect(body.error.message).toMatch(/cannot be rotated automatically: the provider offers no API to create keys/);
    });

    it("another user's key: 404, and nothing happens at IAM", async () => {
      const other = await h.signUp();
      const { id, userName, initial } = await awsKey(other);
      await expectError(await as(user).post(`/api/api-keys/${id}/rotate`, { automatic: true }), 404, KEY_NOT_FOUND);
      expect(iam.keysOf(userName)).toEqual([{ accessKeyId: initial.accessKeyId, status: "Active" }]);
      expect(await handedOut(other)).toEqual(initial);
    });

    it("a token without keys:write: 403, and nothing happens at IAM; with keys:write it rotates", async () => {
      const u = await h.signUp();
      const { id, userName, initial } = await awsKey(u);
      const token = async (scopes: string[]) =>
        (await jsonOf(await h.request("POST", "/api/tokens", { cookie: u.cookie, body: { name: `t ${unique()}`, scopes } }), 201)).token as string;
      const rotateWith = async (t: string) =>
        h.request("POST", `/api/api-keys/${id}/rotate`, { origin: null, headers: { authorization: `Bearer ${t}` }, body: { automatic: true } });
      await expectError(await rotateWith(await token(["keys:read", "keys:reveal", "resolve"])), 403, {
        code: "FORBIDDEN",
        message: "This token lacks the keys:write scope",
      });
      expect(iam.keysOf(userName)).toEqual([{ accessKeyId: initial.accessKeyId, status: "Active" }]);

      const key = await jsonOf(await rotateWith(await token(["keys:write"])), 200);
      const fresh = iam.keysOf(userName).find((k) => k.status === "Active")!;
      expect(key.maskedValue).toContain(fresh.accessKeyId.slice(-4));
      expect((await handedOut(u)).accessKeyId).toBe(fresh.accessKeyId);
    });
  });

  describe("the scheduler", () => {
    it("rotates a due AWS key with the real rotator, as the rotation actor; two instances rotate it once", async () => {
      const u = await h.signUp();
      const { id, userName, initial } = await awsKey(u, { everyDays: 1 });
      const key = await jsonOf(await as(u).get(`/api/api-keys/${id}`), 200);
      expect(key.rotation.everyDays).toBe(1);
      clockOffsetMs += 2 * DAY_MS;
      expect(Date.parse(key.rotation.dueAt)).toBeLessThan(now().getTime());

      // A second instance on the same database (own connection, same real rotator from the config),
      // its log kept too: whichever instance claims the key first rotates it.
      const otherLines: string[] = [];
      const otherLogger = createLogger("info", { write: (line: string) => void otherLines.push(line) });
      const other: Runtime = await createRuntime(h.tdb.config(env()), otherLogger, { pgSchema: h.tdb.pgSchema, now, awsCheckDelaysMs: [1, 1, 1] });
      try {
        await Promise.all([h.runtime.rotationScheduler.runOnce(), other.rotationScheduler.runOnce()]);
      } finally {
        await other.close();
      }

      const creates = iam.calls.filter((c) => c.action === "CreateAccessKey" && c.signedBy === initial.accessKeyId);
      expect(creates).toHaveLength(1);
      const keys = iam.keysOf(userName);
      expect(keys).toHaveLength(2);
      expect(keys[0]).toEqual({ accessKeyId: initial.accessKeyId, status: "Inactive" });
      const creds = await handedOut(u);
      expect(creds.accessKeyId).toBe(keys[1].accessKeyId);
      await expectWorks(creds, userName);

      const { text, events } = await rotateEvents(u, id);
      expect(steps(events)).toEqual(STEPS.map((s) => `${s}:ok`));
      expect(events.every((e) => e.actor.id === "rotation")).toBe(true);
      const after = await jsonOf(await as(u).get(`/api/api-keys/${id}`), 200);
      expect(Date.parse(after.rotation.dueAt)).toBe(Date.parse(after.rotation.lastRotatedAt) + DAY_MS);
      expect((await jsonOf(await as(u).get(`/api/api-keys/${id}/versions`), 200)).versions).toHaveLength(2);
      // One instance logged the rotation of this key, and only one.
      const records = [...h.logRecords(), ...otherLines.map((line) => JSON.parse(line) as Record<string, unknown>)];
      expect(records.filter((r) => r.msg === "keys rotated automatically" && JSON.stringify(r.keys) === JSON.stringify([id]))).toHaveLength(1);
      expectNoSecrets(text);
    });
  });
});
