/**
 * Automatic rotation through the AutomaticRotator seam, and the scheduler, on both databases.
 * The rotator here is a small one written for the test that talks to the fake provider over
 * real HTTP (its STS check is the key tester's GetCallerIdentity): it "creates" an access key,
 * checks it, switches, and records each step. Nothing of our storage is mocked: the key service,
 * the store, the audit log and the scheduler are the real ones. A rotator that fails at a step
 * must leave the working key in place, name the step, and leave its events.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { FAKE_AWS_SECRET_ACCESS_KEY, fakeBaseUrlOverrides, fakeKey, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
import { createHttpApp, expectError, jsonOf, unique, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { createKeyTester, type KeyTester } from "../../src/key-test/key-tester.js";
import type { AutomaticRotationContext, AutomaticRotator } from "../../src/rotation/automatic-rotation.js";
import { AppError } from "../../src/platform/errors.js";
import { createRuntime, type Runtime } from "../../src/app/compose.js";
import { createLogger } from "../../src/platform/logger.js";
import { LIBRARY_ACTOR } from "../../src/access/actor.js";

const DAY_MS = 86_400_000;
type Mode = "ok" | "check fails" | "throws";

/** An access key id the fake's STS accepts (it contains "VALID") or refuses ("INVALID"), unique. */
const accessKeyId = (valid: boolean) => {
  const tail = randomBytes(16).toString("hex").toUpperCase().replace(/[^A-Z0-9]/g, "");
  return `AKIA${(valid ? "VALID" : "INVALID") + tail}`.slice(0, 20);
};

/** The test's rotator: create → check (STS, over HTTP to the fake) → switch → deactivate the old one. */
function testRotator(tester: KeyTester) {
  const state = { mode: "ok" as Mode, calls: [] as string[], minted: [] as { accessKeyId: string; secretAccessKey: string }[], delayMs: 0 };
  const rotator: AutomaticRotator = {
    supports: (service) => service === "aws",
    async rotate(ctx: AutomaticRotationContext) {
      state.calls.push(ctx.keyId);
      if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
      if (state.mode === "throws") throw new Error("socket hang up");
      const next = { accessKeyId: accessKeyId(state.mode !== "check fails"), secretAccessKey: FAKE_AWS_SECRET_ACCESS_KEY };
      state.minted.push(next);
      await ctx.step("create", "ok", { accessKeyId: next.accessKeyId });
      const check = await tester.testKey("aws", next, ctx.config);
      if (check.status !== "valid") {
        await ctx.step("check", "failed", { status: check.status });
        throw new AppError("INTERNAL", `Automatic rotation failed at step "check" (STS GetCallerIdentity: ${check.status}); the key in use was not changed`);
      }
      await ctx.step("check", "ok");
      await ctx.switchTo(next);
      const old = ctx.current as { accessKeyId: string };
      await ctx.step("deactivate", "ok", { accessKeyId: old.accessKeyId });
    },
  };
  return { rotator, state };
}

describeEachDatabase("automatic rotation and the scheduler", (dialect) => {
  let fake: FakeProvider;
  let h: HttpApp;
  let user: SignedUpUser;
  let clockOffsetMs = 0;
  let rotation: ReturnType<typeof testRotator>;
  const now = () => new Date(Date.now() + clockOffsetMs);

  beforeAll(async () => {
    fake = await startFakeProvider();
    const overrides = fakeBaseUrlOverrides(fake.url);
    rotation = testRotator(createKeyTester({ baseUrlOverrides: overrides }));
    h = await createHttpApp(dialect, { env: { KEYHAVEN_AWS_BASE_URL: overrides.aws, KEYHAVEN_OPENAI_BASE_URL: overrides.openai }, now, automaticRotator: rotation.rotator });
    user = await h.signUp();
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });
  beforeEach(() => {
    rotation.state.mode = "ok";
    rotation.state.calls.length = 0;
    rotation.state.delayMs = 0;
  });

  const as = (u: SignedUpUser) => ({
    get: (path: string) => h.request("GET", path, { cookie: u.cookie }),
    put: (path: string, body: unknown) => h.request("PUT", path, { cookie: u.cookie, body }),
    post: (path: string, body: unknown) => h.request("POST", path, { cookie: u.cookie, body }),
  });
  async function awsKey(u = user, everyDays?: number) {
    const value = { ...fakeKey("aws", "valid"), accessKeyId: accessKeyId(true) };
    const key = await h.createKey(u, { name: `aws ${unique()}`, service: "aws", value, config: { region: "eu-west-1" } });
    if (everyDays) await jsonOf(await as(u).put(`/api/api-keys/${key.id}`, { rotation: { everyDays } }), 200);
    return { id: key.id as string, value };
  }
  const reveal = async (id: string, u = user) => (await jsonOf(await as(u).get(`/api/api-keys/${id}?includeValue=true`), 200)).value;
  const events = async (id: string) =>
    (await h.runtime.database.db.selectFrom("audit_events").selectAll().where("target_id", "=", id).where("action", "=", "key.rotate").orderBy("seq").execute()).map(
      (r) => ({ actor: r.actor_id, details: JSON.parse(r.details) as Record<string, unknown>, raw: JSON.stringify(r) }),
    );

  describe("on demand: POST /api/api-keys/:id/rotate { automatic: true }", () => {
    it("creates, checks, switches and deactivates: the new key is current, the old one a version, every step audited", async () => {
      const { id, value } = await awsKey();
      const key = await jsonOf(await as(user).post(`/api/api-keys/${id}/rotate`, { automatic: true }), 200);
      const minted = rotation.state.minted.at(-1)!;
      expect(key.maskedValue).toContain(minted.accessKeyId.slice(-4));
      expect(key.rotation.lastRotatedAt).not.toBeNull();
      expect(await reveal(id)).toEqual(minted);
      const handedOut = await h.runtime.keys.findUsableKey(LIBRARY_ACTOR, { type: "user", id: user.id }, "aws");
      expect(handedOut?.value).toEqual(minted);
      const versions = (await jsonOf(await as(user).get(`/api/api-keys/${id}/versions`), 200)).versions;
      expect(versions.map((v: any) => [v.version, v.current])).toEqual([
        [2, true],
        [1, false],
      ]);
      expect(versions[1].maskedValue).toContain(value.accessKeyId.slice(-4));

      const rows = await events(id);
      expect(rows.map((r) => r.details)).toEqual([
        { automatic: true, step: "create", outcome: "ok", accessKeyId: minted.accessKeyId },
        { automatic: true, step: "check", outcome: "ok" },
        { automatic: true, step: "switch", outcome: "ok", version: 2, previousVersion: 1 },
        { automatic: true, step: "deactivate", outcome: "ok", accessKeyId: value.accessKeyId },
      ]);
      for (const r of rows) expect(r.raw).not.toContain(FAKE_AWS_SECRET_ACCESS_KEY);
      expect(rows.every((r) => r.actor === user.id)).toBe(true);
    });

    it("a failed check leaves the working key, names the step, and leaves the steps it took in the log", async () => {
      const { id, value } = await awsKey();
      rotation.state.mode = "check fails";
      await expectError(await as(user).post(`/api/api-keys/${id}/rotate`, { automatic: true }), 500, {
        code: "INTERNAL",
        message: 'Automatic rotation failed at step "check" (STS GetCallerIdentity: invalid); the key in use was not changed',
      });
      expect(await reveal(id)).toEqual(value);
      expect((await jsonOf(await as(user).get(`/api/api-keys/${id}/versions`), 200)).versions).toHaveLength(1);
      expect((await events(id)).map((r) => [r.details.step, r.details.outcome])).toEqual([
        ["create", "ok"],
        ["check", "failed"],
      ]);
    });

    it("a rotator that fails without saying where: a generic error, one failed event, the key unchanged", async () => {
      const { id, value } = await awsKey();
      rotation.state.mode = "throws";
      const text = await expectError(await as(user).post(`/api/api-keys/${id}/rotate`, { automatic: true }), 500, {
        code: "INTERNAL",
        message: "Automatic rotation failed; the key in use was not changed",
      });
      expect(text).not.toContain("socket");
      expect(await reveal(id)).toEqual(value);
      expect((await events(id)).map((r) => r.details)).toEqual([{ automatic: true, step: "rotation", outcome: "failed", message: "unexpected error" }]);
    });
  });

  describe("the scheduler", () => {
    it("rotates due keys of supported services as the rotation actor, and not again once the due date moved", async () => {
      const u = await h.signUp();
      const due = await awsKey(u, 30);
      const notDue = await awsKey(u, 90);
      const unperiodic = await awsKey(u);
      // An OpenAI key due too: its provider cannot mint keys, so the scheduler leaves it to its owner.
      const openai = await h.createKey(u, { name: `openai ${unique()}`, service: "openai", value: `sk-proj-valid-${unique()}0123456789` });
      await jsonOf(await as(u).put(`/api/api-keys/${openai.id}`, { rotation: { everyDays: 1 } }), 200);

      clockOffsetMs += 31 * DAY_MS;
      await h.runtime.rotationScheduler.runOnce();
      expect(rotation.state.calls).toEqual([due.id]);
      expect(await reveal(due.id, u)).toEqual(rotation.state.minted.at(-1));
      for (const k of [notDue, unperiodic]) expect(await reveal(k.id, u)).toEqual(k.value);
      const rows = await events(due.id);
      expect(rows.map((r) => r.actor)).toEqual(["rotation", "rotation", "rotation", "rotation"]);
      const key = await jsonOf(await as(u).get(`/api/api-keys/${due.id}`), 200);
      expect(Date.parse(key.rotation.dueAt)).toBe(Date.parse(key.rotation.lastRotatedAt) + 30 * DAY_MS);

      await h.runtime.rotationScheduler.runOnce();
      expect(rotation.state.calls).toEqual([due.id]);
    });

    it("a failed attempt keeps the key and is not retried within the hour; after it, it is", async () => {
      const u = await h.signUp();
      const k = await awsKey(u, 1);
      clockOffsetMs += 2 * DAY_MS;
      rotation.state.mode = "check fails";
      await h.runtime.rotationScheduler.runOnce();
      expect(rotation.state.calls).toEqual([k.id]);
      expect(await reveal(k.id, u)).toEqual(k.value);

      await h.runtime.rotationScheduler.runOnce();
      expect(rotation.state.calls).toEqual([k.id]);

      clockOffsetMs += 61 * 60_000;
      rotation.state.mode = "ok";
      await h.runtime.rotationScheduler.runOnce();
      expect(rotation.state.calls).toEqual([k.id, k.id]);
      expect(await reveal(k.id, u)).toEqual(rotation.state.minted.at(-1));
    });

    it("two instances on one database never rotate the same key: each due key once", async () => {
      const u = await h.signUp();
      const keys = [await awsKey(u, 1), await awsKey(u, 1), await awsKey(u, 1)];
      clockOffsetMs += 2 * DAY_MS;
      // A second instance: its own runtime (own connection) on the same database, with the same rotator.
      const other: Runtime = await createRuntime(h.tdb.config({ KEYHAVEN_AWS_BASE_URL: fakeBaseUrlOverrides(fake.url).aws }), createLogger("silent"), {
        pgSchema: h.tdb.pgSchema,
        now,
        automaticRotator: rotation.rotator,
      });
      try {
        rotation.state.delayMs = 20;
        await Promise.all([h.runtime.rotationScheduler.runOnce(), other.rotationScheduler.runOnce()]);
      } finally {
        await other.close();
      }
      // (Keys of earlier tests that came due again by the clock's move may be rotated too.)
      const ids = new Set(keys.map((k) => k.id));
      expect(rotation.state.calls.filter((id) => ids.has(id)).sort()).toEqual([...ids].sort());
      for (const k of keys) expect((await jsonOf(await as(u).get(`/api/api-keys/${k.id}/versions`), 200)).versions).toHaveLength(2);
    });
  });
});
