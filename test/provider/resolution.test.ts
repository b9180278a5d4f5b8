/**
 * Resolution order of apiKeyProvider on real storage: the user's default key, else the most
 * recently updated usable one, else a key of a team the user is a member of (the preferred
 * team's, else the oldest membership's; the team's default first), else the environment, else
 * undefined. Every case runs twice:
 * through the library, and through `/api/resolve` with a service token (http-provider.ts),
 * so the two answer the same on the same data.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/platform/errors.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";
import { HOUR, keys, manualClock, newUserId, providerOf, teamsOn, userOwner } from "./fixtures.js";
import { actorFor } from "../support/actors.js";
import { httpProviderOf } from "./http-provider.js";

const VIA = ["library", "http"] as const;

describeEachDatabase("apiKeyProvider resolution", (dialect) => {
  for (const via of VIA) describe(`through the ${via}`, () => resolutionCases(dialect, via));
});

function resolutionCases(dialect: Parameters<typeof createTestDatabase>[0], via: (typeof VIA)[number]) {
  let db: TestDatabase;
  beforeAll(() => {
    db = createTestDatabase(dialect);
  });
  afterAll(() => db.drop());

  // Closed after each test: PostgreSQL connections are a shared, limited resource.
  const opened: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((rt) => rt.close()));
  });

  /** A runtime with its own clock and environment, and a provider on it. */
  async function open(env: Record<string, string | undefined> = {}, start = "2026-05-01T10:00:00.000Z") {
    const clock = manualClock(start);
    const rt = await db.runtime(env, { now: clock.now });
    opened.push(rt);
    return { rt, clock, provider: via === "library" ? providerOf(rt) : await httpProviderOf(rt), teams: teamsOn(rt, dialect, clock) };
  }

  describe("the user's keys", () => {
    it("hands out the default key even when another is more recently updated", async () => {
      const { rt, clock, provider } = await open();
      const user = newUserId();
      const def = keys.openai();
      const newer = keys.openai();
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "default", service: "openai", value: def, isDefault: true });
      clock.advance(HOUR);
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "newer", service: "openai", value: newer });
      expect(await provider.getOpenAIApiKey(user)).toBe(def);
      expect((await provider.getServiceConfig(user, "openai"))?.source).toBe("user");
    });

    it("hands out the most recently updated key when none is the default", async () => {
      const { rt, clock, provider } = await open();
      const user = newUserId();
      const first = keys.anthropic();
      const second = keys.anthropic();
      const a = await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "first", service: "anthropic", value: first });
      clock.advance(HOUR);
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "second", service: "anthropic", value: second });
      expect(await provider.getAnthropicApiKey(user)).toBe(second);

      clock.advance(HOUR);
      await rt.keys.update(actorFor(userOwner(user)), userOwner(user), a.id, { description: "touched" });
      expect(await provider.getAnthropicApiKey(user)).toBe(first);
    });

    it("falls back from a switched-off default to the most recent usable key", async () => {
      const { rt, clock, provider } = await open();
      const user = newUserId();
      const older = keys.groq();
      const def = await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "default", service: "groq", value: keys.groq(), isDefault: true });
      clock.advance(HOUR);
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "older", service: "groq", value: older });
      clock.advance(HOUR);
      await rt.keys.update(actorFor(userOwner(user)), userOwner(user), def.id, { isActive: false });
      expect(await provider.getGroqApiKey(user)).toBe(older);
    });

    it("never hands out an inactive key", async () => {
      const { rt, provider } = await open();
      const user = newUserId();
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "off", service: "xai", value: keys.xai(), isActive: false, isDefault: true });
      expect(await provider.getXAIApiKey(user)).toBeUndefined();
      expect(await provider.getServiceConfig(user, "xai")).toBeUndefined();
      expect(await provider.validateRequiredKeys(user, ["xai"])).toEqual({ valid: false, missing: ["xai"], available: [] });
    });

    it("never hands out an expired key, and uses the next usable one", async () => {
      const { rt, clock, provider } = await open();
      const user = newUserId();
      const lasting = keys.google();
      const expiring = keys.google();
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "lasting", service: "google", value: lasting });
      clock.advance(1000);
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), {
        name: "expiring",
        service: "google",
        value: expiring,
        isDefault: true,
        expiresAt: new Date(clock.now().getTime() + HOUR).toISOString(),
      });
      expect(await provider.getGoogleApiKey(user)).toBe(expiring);
      clock.advance(HOUR); // expires_at == now: expired
      expect(await provider.getGoogleApiKey(user)).toBe(lasting);
      clock.advance(HOUR);
      expect(await provider.getGoogleApiKey(user)).toBe(lasting);
    });

    it("hands out the user's key, not the environment's, when both exist", async () => {
      const { rt, provider } = await open({ OPENAI_API_KEY: "sk-env-openai-key-000000000" });
      const user = newUserId();
      const mine = keys.openai();
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "mine", service: "openai", value: mine });
      expect(await provider.getOpenAIApiKey(user)).toBe(mine);
      expect(await provider.getOpenAIApiKey(newUserId())).toBe("sk-env-openai-key-000000000");
    });

    it("never hands one user's key to another user", async () => {
      const { rt, provider } = await open();
      const alice = newUserId();
      await rt.keys.create(actorFor(userOwner(alice)), userOwner(alice), { name: "alice", service: "openai", value: keys.openai() });
      expect(await provider.getOpenAIApiKey(newUserId())).toBeUndefined();
      // A team owner with the same id is another owner.
      // No actor may create a team key yet: store one for a user, then hand the row to the team.
      const someone = userOwner(newUserId());
      const teamKey = await rt.keys.create(actorFor(someone), someone, { name: "team", service: "openai", value: keys.openai() });
      await rt.database.db.updateTable("api_keys").set({ owner_type: "team", owner_id: "shared-id" }).where("id", "=", teamKey.id).execute();
      expect(await provider.getOpenAIApiKey("shared-id")).toBeUndefined();
    });
  });

  describe("team keys", () => {
    it("a member without a key of their own gets the team's, named as the team's", async () => {
      const { provider, teams } = await open({ OPENAI_API_KEY: "sk-env-openai-key-000000000" });
      const team = await teams.team();
      const member = await teams.person();
      await teams.join(team.id, member);
      const value = keys.openai();
      await teams.key(team, { name: "class", service: "openai", value });
      expect(await provider.getOpenAIApiKey(member)).toBe(value);
      expect(await provider.getApiKeys(member, ["openai"])).toEqual({ openai: value });
      expect(await provider.getServiceConfig(member, "openai")).toEqual({
        service: "openai",
        apiKey: value,
        baseUrl: "https://api.openai.com/v1",
        headers: { Authorization: `Bearer ${value}` },
        source: "team",
        teamId: team.id,
      });
      // Sharing is about what members see and change, not about hand-outs: a "manage" key too.
      const managed = keys.anthropic();
      await teams.key(team, { name: "claude", service: "anthropic", value: managed, sharing: "manage" });
      expect(await provider.getServiceConfig(member, "anthropic")).toMatchObject({ apiKey: managed, source: "team", teamId: team.id });
    });

    it("the member's own key comes first; switched off, the team's", async () => {
      const { rt, provider, teams } = await open();
      const team = await teams.team();
      const member = await teams.person();
      await teams.join(team.id, member);
      const shared = keys.groq();
      await teams.key(team, { name: "shared", service: "groq", value: shared, isDefault: true });
      const own = keys.groq();
      const mine = await rt.keys.create(actorFor(userOwner(member)), userOwner(member), { name: "mine", service: "groq", value: own });
      expect(await provider.getServiceConfig(member, "groq")).toMatchObject({ apiKey: own, source: "user" });
      expect(await provider.getServiceConfig(member, "groq")).not.toHaveProperty("teamId");
      await rt.keys.update(actorFor(userOwner(member)), userOwner(member), mine.id, { isActive: false });
      expect(await provider.getServiceConfig(member, "groq")).toMatchObject({ apiKey: shared, source: "team", teamId: team.id });
    });

    it("among several teams: the preferred one, else the oldest membership; a team without a usable key is passed over", async () => {
      const { clock, provider, teams } = await open();
      const [first, second, third] = [await teams.team(), await teams.team(), await teams.team()];
      const values = { first: keys.openai(), second: keys.openai() };
      await teams.key(first, { name: "first", service: "openai", value: values.first });
      clock.advance(HOUR);
      // The second team's key is the more recent: recency decides within a team, not between teams.
      await teams.key(second, { name: "second", service: "openai", value: values.second });
      const member = await teams.person();
      await teams.join(third.id, member); // the oldest membership, but no OpenAI key
      clock.advance(1000);
      await teams.join(first.id, member);
      clock.advance(1000);
      await teams.join(second.id, member);

      expect(await provider.getServiceConfig(member, "openai")).toMatchObject({ apiKey: values.first, teamId: first.id });
      await teams.prefer(member, second.id);
      expect(await provider.getServiceConfig(member, "openai")).toMatchObject({ apiKey: values.second, teamId: second.id });
      // A preferred team without a key for the service: the oldest membership's that has one.
      await teams.prefer(member, third.id);
      expect(await provider.getServiceConfig(member, "openai")).toMatchObject({ apiKey: values.first, teamId: first.id });
      await teams.prefer(member, null);
      expect(await provider.getServiceConfig(member, "openai")).toMatchObject({ apiKey: values.first, teamId: first.id });
      // Leaving the oldest: the next one.
      await teams.leave(first.id, member);
      expect(await provider.getServiceConfig(member, "openai")).toMatchObject({ apiKey: values.second, teamId: second.id });
    });

    it("a team's default key first, else its most recently updated; inactive and expired team keys are skipped", async () => {
      const { clock, provider, teams } = await open({ XAI_API_KEY: "xai-env-fallback-000000000" });
      const team = await teams.team();
      const member = await teams.person();
      await teams.join(team.id, member);
      const def = keys.xai();
      const newer = keys.xai();
      const expiring = keys.xai();
      const d = await teams.key(team, { name: "default", service: "xai", value: def, isDefault: true });
      clock.advance(HOUR);
      const n = await teams.key(team, { name: "newer", service: "xai", value: newer });
      expect(await provider.getXAIApiKey(member)).toBe(def);

      clock.advance(HOUR);
      await teams.update(team, d.id, { isActive: false });
      expect(await provider.getXAIApiKey(member)).toBe(newer);

      clock.advance(HOUR);
      await teams.key(team, { name: "expiring", service: "xai", value: expiring, isDefault: true, expiresAt: new Date(clock.now().getTime() + HOUR).toISOString() });
      expect(await provider.getXAIApiKey(member)).toBe(expiring);
      clock.advance(HOUR); // expires_at == now: expired
      expect(await provider.getXAIApiKey(member)).toBe(newer);

      await teams.update(team, n.id, { isActive: false });
      expect(await provider.getServiceConfig(member, "xai")).toMatchObject({ apiKey: "xai-env-fallback-000000000", source: "env" });
      expect(await provider.getServiceConfig(member, "xai")).not.toHaveProperty("teamId");
    });

    it("a removed member gets the environment's on the next hand-out; a non-member never gets the team's", async () => {
      const { provider, teams } = await open({ ANTHROPIC_API_KEY: "sk-ant-env-fallback-0000" });
      const team = await teams.team();
      const member = await teams.person();
      const outsider = await teams.person();
      await teams.join(team.id, member);
      const value = keys.anthropic();
      await teams.key(team, { name: "team", service: "anthropic", value });
      expect(await provider.getAnthropicApiKey(member)).toBe(value);
      expect(await provider.getServiceConfig(outsider, "anthropic")).toMatchObject({ apiKey: "sk-ant-env-fallback-0000", source: "env" });

      await teams.leave(team.id, member);
      expect(await provider.getServiceConfig(member, "anthropic")).toEqual({
        service: "anthropic",
        apiKey: "sk-ant-env-fallback-0000",
        baseUrl: "https://api.anthropic.com/v1",
        headers: { "x-api-key": "sk-ant-env-fallback-0000", "anthropic-version": "2023-06-01" },
        source: "env",
      });
      // Without an environment key: nothing at all.
      const google = keys.google();
      await teams.key(team, { name: "gemini", service: "google", value: google });
      expect(await provider.getGoogleApiKey(member)).toBeUndefined();
      expect(await provider.getServiceConfig(member, "google")).toBeUndefined();
      // The team's id is no user id: naming it hands out nothing of the team's.
      expect(await provider.getGoogleApiKey(team.id)).toBeUndefined();
    });

    it("aws credentials from a team key, with the team named and the key's region", async () => {
      const { provider, teams } = await open({ AWS_REGION: "ap-south-1" });
      const team = await teams.team();
      const member = await teams.person();
      await teams.join(team.id, member, "admin");
      const creds = keys.aws(true);
      await teams.key(team, { name: "aws", service: "aws", value: creds, config: { region: "eu-west-1" } });
      expect(await provider.getAWSCredentials(member)).toEqual({ ...creds, region: "eu-west-1", source: "team", teamId: team.id });
      expect(await provider.getServiceConfig(member, "aws")).toEqual({
        service: "aws",
        apiKey: creds.accessKeyId,
        baseUrl: "https://sts.eu-west-1.amazonaws.com",
        headers: {},
        source: "team",
        teamId: team.id,
        region: "eu-west-1",
      });
    });
  });

  describe("the environment fallback", () => {
    const single = [
      ["openai", "OPENAI_API_KEY", "getOpenAIApiKey"],
      ["anthropic", "ANTHROPIC_API_KEY", "getAnthropicApiKey"],
      ["groq", "GROQ_API_KEY", "getGroqApiKey"],
      ["xai", "XAI_API_KEY", "getXAIApiKey"],
    ] as const;

    for (const [service, variable, getter] of single) {
      it(`${service}: ${variable}, only when the user has no usable key`, async () => {
        const value = `env-${service}-value-123456789`;
        const { rt, provider } = await open({ [variable]: value });
        const user = newUserId();
        expect(await provider[getter](user)).toBe(value);
        expect(await provider.getApiKey(user, service)).toBe(value);
        expect((await provider.getServiceConfig(user, service))?.source).toBe("env");

        const k = await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "mine", service, value: keys[service]() });
        expect(await provider[getter](user)).not.toBe(value);
        await rt.keys.update(actorFor(userOwner(user)), userOwner(user), k.id, { isActive: false });
        expect(await provider[getter](user)).toBe(value);
      });
    }

    it("google: GOOGLE_GENERATIVE_AI_API_KEY, then GOOGLE_API_KEY, then GEMINI_API_KEY", async () => {
      const user = newUserId();
      const all = { GOOGLE_GENERATIVE_AI_API_KEY: "g-generative", GOOGLE_API_KEY: "g-api", GEMINI_API_KEY: "g-gemini" };
      expect(await (await open(all)).provider.getGoogleApiKey(user)).toBe("g-generative");
      expect(await (await open({ ...all, GOOGLE_GENERATIVE_AI_API_KEY: undefined })).provider.getGoogleApiKey(user)).toBe("g-api");
      expect(await (await open({ GEMINI_API_KEY: "g-gemini" })).provider.getGoogleApiKey(user)).toBe("g-gemini");
      // Blank counts as unset.
      expect(await (await open({ GOOGLE_GENERATIVE_AI_API_KEY: "  ", GEMINI_API_KEY: "g-gemini" })).provider.getGoogleApiKey(user)).toBe(
        "g-gemini",
      );
      expect(await (await open()).provider.getGoogleApiKey(user)).toBeUndefined();
    });

    it("aws: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN, AWS_REGION)", async () => {
      const user = newUserId();
      const env = {
        AWS_ACCESS_KEY_ID: "ASIAENVENVENVENVENV1",
        AWS_SECRET_ACCESS_KEY: "s".repeat(40),
        AWS_SESSION_TOKEN: "token-from-env",
        AWS_REGION: "eu-west-3",
      };
      expect(await (await open(env)).provider.getAWSCredentials(user)).toEqual({
        accessKeyId: "ASIAENVENVENVENVENV1",
        secretAccessKey: "s".repeat(40),
        sessionToken: "token-from-env",
        region: "eu-west-3",
        source: "env",
      });
      expect(
        await (await open({ ...env, AWS_SESSION_TOKEN: undefined, AWS_REGION: undefined })).provider.getAWSCredentials(user),
      ).toEqual({ accessKeyId: "ASIAENVENVENVENVENV1", secretAccessKey: "s".repeat(40), region: "us-east-1", source: "env" });
      // Half a credential is no credential.
      const half = await open({ AWS_ACCESS_KEY_ID: "AKIAENVENVENVENVENV1", AWS_REGION: "ap-south-1" });
      expect(await half.provider.getAWSCredentials(user)).toEqual({ region: "ap-south-1", source: "none" });
      expect(await half.provider.validateRequiredKeys(user, ["aws"])).toEqual({ valid: false, missing: ["aws"], available: [] });
    });

    it("custom endpoints have no environment fallback", async () => {
      const { provider } = await open({ OPENAI_API_KEY: "sk-env" });
      expect(await provider.getCustomApiKey(newUserId())).toBeUndefined();
      expect(await provider.getServiceConfig(newUserId(), "custom")).toBeUndefined();
    });

    it("an unknown or empty user id falls back like a user without keys", async () => {
      const { provider } = await open({ OPENAI_API_KEY: "sk-env-fallback" });
      expect(await provider.getOpenAIApiKey("no-such-user")).toBe("sk-env-fallback");
      const none = await open();
      expect(await none.provider.getOpenAIApiKey("no-such-user")).toBeUndefined();
      if (via === "http") {
        // Over HTTP a service token must name a user: an empty one is a 400, not "nobody".
        await expect(provider.getOpenAIApiKey("")).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
        return;
      }
      expect(await provider.getOpenAIApiKey("")).toBe("sk-env-fallback");
      expect(await provider.getOpenAIApiKey(undefined as unknown as string)).toBe("sk-env-fallback");
      expect(await none.provider.getAWSCredentials("")).toEqual({ region: "us-east-1", source: "none" });
    });
  });

  describe("calls", () => {
    it("refuses an unknown service id with VALIDATION_ERROR", async () => {
      const { provider } = await open({ OPENAI_API_KEY: "sk-env" });
      const bad = "openia" as never;
      for (const call of [
        () => provider.getApiKey("u", bad),
        () => provider.getApiKeys("u", ["openai", bad]),
        () => provider.validateRequiredKeys("u", [bad]),
        () => provider.getServiceConfig("u", bad),
      ]) {
        const err = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe("VALIDATION_ERROR");
      }
    });

    it("getApiKeys resolves each service", async () => {
      const { rt, provider } = await open({ ANTHROPIC_API_KEY: "sk-ant-env" });
      const user = newUserId();
      const openai = keys.openai();
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "o", service: "openai", value: openai });
      expect(await provider.getApiKeys(user, ["openai", "anthropic", "groq", "aws"])).toEqual({
        openai,
        anthropic: "sk-ant-env",
        groq: undefined,
        aws: undefined, // a credential pair, not one string: getAWSCredentials
      });
    });

    it("validateRequiredKeys reports what is available and what is missing", async () => {
      const { rt, provider } = await open({ GEMINI_API_KEY: "g-gemini" });
      const user = newUserId();
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "o", service: "openai", value: keys.openai() });
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "a", service: "aws", value: keys.aws() });
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "x", service: "xai", value: keys.xai(), isActive: false });
      expect(await provider.validateRequiredKeys(user, ["openai", "google", "aws", "xai", "anthropic"])).toEqual({
        valid: false,
        available: ["openai", "google", "aws"],
        missing: ["xai", "anthropic"],
      });
      expect(await provider.validateRequiredKeys(user, ["openai", "aws", "openai"])).toEqual({
        valid: true,
        available: ["openai", "aws"],
        missing: [],
      });
      expect(await provider.validateRequiredKeys(user, [])).toEqual({ valid: true, available: [], missing: [] });
    });

    it("getServiceConfig gives each service's base URL and auth headers", async () => {
      const { rt, provider } = await open();
      const user = newUserId();
      const owner = userOwner(user);
      const v = { openai: keys.openai(), anthropic: keys.anthropic(), google: keys.google(), groq: keys.groq(), xai: keys.xai() };
      for (const [service, value] of Object.entries(v)) {
        await rt.keys.create(actorFor(owner), owner, { name: service, service: service as keyof typeof v, value });
      }
      expect(await provider.getServiceConfig(user, "openai")).toEqual({
        service: "openai",
        apiKey: v.openai,
        baseUrl: "https://api.openai.com/v1",
        headers: { Authorization: `Bearer ${v.openai}` },
        source: "user",
      });
      expect(await provider.getServiceConfig(user, "anthropic")).toEqual({
        service: "anthropic",
        apiKey: v.anthropic,
        baseUrl: "https://api.anthropic.com/v1",
        headers: { "x-api-key": v.anthropic, "anthropic-version": "2023-06-01" },
        source: "user",
      });
      expect(await provider.getServiceConfig(user, "google")).toEqual({
        service: "google",
        apiKey: v.google,
        baseUrl: "https://generativelanguage.googleapis.com/v1beta",
        headers: { "x-goog-api-key": v.google },
        source: "user",
      });
      expect(await provider.getServiceConfig(user, "groq")).toMatchObject({
        baseUrl: "https://api.groq.com/openai/v1",
        headers: { Authorization: `Bearer ${v.groq}` },
      });
      expect(await provider.getServiceConfig(user, "xai")).toMatchObject({
        baseUrl: "https://api.x.ai/v1",
        headers: { Authorization: `Bearer ${v.xai}` },
      });
    });

    it("getServiceConfig for a custom endpoint uses the key's base URL and header", async () => {
      const { rt, provider } = await open();
      const user = newUserId();
      const value = keys.custom();
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), {
        name: "llm",
        service: "custom",
        value,
        config: { baseUrl: "https://llm.example.com/v1/", headerName: "X-Api-Token", headerPrefix: "Token " },
      });
      expect(await provider.getServiceConfig(user, "custom")).toEqual({
        service: "custom",
        apiKey: value,
        baseUrl: "https://llm.example.com/v1",
        headers: { "X-Api-Token": `Token ${value}` },
        source: "user",
      });
      expect(await provider.getCustomApiKey(user)).toBe(value);

      const other = newUserId();
      const plain = keys.custom();
      await rt.keys.create(actorFor(userOwner(other)), userOwner(other), { name: "llm", service: "custom", value: plain, config: { baseUrl: "https://x.example" } });
      expect(await provider.getServiceConfig(other, "custom")).toMatchObject({
        baseUrl: "https://x.example",
        headers: { Authorization: `Bearer ${plain}` },
      });
    });

    it("getServiceConfig honours KEYHAVEN_<SERVICE>_BASE_URL, for user and environment keys", async () => {
      const { rt, provider } = await open({
        KEYHAVEN_OPENAI_BASE_URL: "http://127.0.0.1:4010/v1/",
        KEYHAVEN_ANTHROPIC_BASE_URL: "https://gateway.internal/anthropic",
        KEYHAVEN_AWS_BASE_URL: "http://127.0.0.1:4566/{region}",
        ANTHROPIC_API_KEY: "sk-ant-env",
      });
      const user = newUserId();
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "o", service: "openai", value: keys.openai() });
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "a", service: "aws", value: keys.aws(), config: { region: "eu-central-2" } });
      expect((await provider.getServiceConfig(user, "openai"))?.baseUrl).toBe("http://127.0.0.1:4010/v1");
      expect(await provider.getServiceConfig(user, "anthropic")).toMatchObject({
        baseUrl: "https://gateway.internal/anthropic",
        source: "env",
      });
      expect((await provider.getServiceConfig(user, "aws"))?.baseUrl).toBe("http://127.0.0.1:4566/eu-central-2");
    });

    it("getAWSCredentials and getServiceConfig('aws') from a stored key", async () => {
      const { rt, provider } = await open({ AWS_REGION: "ap-south-1", AWS_ACCESS_KEY_ID: "AKIAENV", AWS_SECRET_ACCESS_KEY: "x".repeat(40) });
      const user = newUserId();
      const creds = keys.aws(true);
      await rt.keys.create(actorFor(userOwner(user)), userOwner(user), { name: "aws", service: "aws", value: creds, config: { region: "eu-west-1" } });
      expect(await provider.getAWSCredentials(user)).toEqual({ ...creds, region: "eu-west-1", source: "user" });
      expect(await provider.getServiceConfig(user, "aws")).toEqual({
        service: "aws",
        apiKey: creds.accessKeyId,
        baseUrl: "https://sts.eu-west-1.amazonaws.com",
        headers: {},
        source: "user",
        region: "eu-west-1",
      });
      expect(await provider.getApiKey(user, "aws")).toBeUndefined();

      const permanent = newUserId();
      const long = keys.aws();
      await rt.keys.create(actorFor(userOwner(permanent)), userOwner(permanent), { name: "aws", service: "aws", value: long });
      const got = await provider.getAWSCredentials(permanent);
      expect(got).toEqual({ ...long, region: "us-east-1", source: "user" });
      expect("sessionToken" in got).toBe(false);
    });
  });
}
