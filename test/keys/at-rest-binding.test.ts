/**
 * Vault-style barrier tests for where a secret goes: edit, directly in the database, each
 * column of api_keys that decides where or how a secret is used, and the secret must not be
 * used. The reveal, the hand-out (apiKeyProvider) and the key test all fail with the generic
 * decryption error, and the key test sends nothing, least of all to the edited URL (a second
 * fake server that must receive nothing). Private endpoints are allowed here (the fakes are on
 * loopback), so only the binding stands between an edited base URL and the secret.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DecryptionError } from "../../src/crypto/decryption-error.js";
import type { OwnerRef } from "../../src/access/owner.js";
import type { ApiKeyRow, ApiKeyRowUpdate } from "../../src/db/schema.js";
import { createApiKeyProvider, type ApiKeyProvider } from "../../src/provider/index.js";
import type { ServiceId } from "../../src/services/index.js";
import { describeEachDatabase } from "../support/databases.js";
import { fakeBaseUrlOverrides, fakeKey, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
import { createHttpApp, jsonOf, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { actorFor } from "../support/actors.js";
import { LIBRARY_ACTOR } from "../../src/access/actor.js";

const GENERIC_500 = { error: { code: "INTERNAL", message: "Internal server error" } };

type Service = "custom" | "aws" | "openai";

describeEachDatabase("the binding of where a secret goes", (dialect) => {
  let fake: FakeProvider;
  let attacker: FakeProvider;
  let h: HttpApp;
  let provider: ApiKeyProvider;
  let forwarded = 0;

  beforeAll(async () => {
    [fake, attacker] = await Promise.all([startFakeProvider(), startFakeProvider()]);
    const overrides = Object.fromEntries(
      Object.entries(fakeBaseUrlOverrides(fake.url)).map(([service, url]) => [`KEYHAVEN_${service.toUpperCase()}_BASE_URL`, url]),
    );
    h = await createHttpApp(dialect, {
      env: { ...overrides, KEYHAVEN_ALLOW_HTTP_HOSTS: "127.0.0.1", KEYHAVEN_ALLOW_PRIVATE_ENDPOINTS: "true", KEYHAVEN_TRUST_PROXY: "true" },
    });
    const rt = h.runtime;
    provider = createApiKeyProvider({ keys: rt.keys, usage: rt.usage, config: rt.config });
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all([fake?.close(), attacker?.close()]);
  });

  /** A user of their own per case: key tests are limited to 10 a minute per user. */
  const newUser = () => h.signUp(undefined, { headers: { "x-forwarded-for": `203.0.113.${++forwarded}` } });
  const ownerOf = (user: SignedUpUser): OwnerRef => ({ type: "user", id: user.id });

  type KeyBody = { service: Service; value: unknown; config?: Record<string, unknown> };
  const bodies: Record<Service, (outcome: "valid") => KeyBody> = {
    custom: (o) => ({ service: "custom", value: fakeKey("custom", o), config: { baseUrl: `${fake.url}/custom` } }),
    aws: (o) => ({ service: "aws", value: fakeKey("aws", o), config: { region: "eu-west-1" } }),
    openai: (o) => ({ service: "openai", value: fakeKey("openai", o) }),
  };

  async function saveKey(user: SignedUpUser, service: Service): Promise<{ id: string; value: unknown }> {
    const body = { name: `${service} key`, ...bodies[service]("valid") };
    const key = await jsonOf(await h.request("POST", "/api/api-keys", { cookie: user.cookie, body }), 201);
    return { id: key.id, value: body.value };
  }

  const db = () => h.runtime.database.db;
  const readRow = (id: string) => db().selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirstOrThrow() as Promise<ApiKeyRow>;
  const writeRow = async (id: string, patch: ApiKeyRowUpdate): Promise<void> => {
    await db().updateTable("api_keys").set(patch).where("id", "=", id).execute();
  };
  async function editConfig(id: string, edit: (config: Record<string, unknown>) => void): Promise<void> {
    const config = JSON.parse((await readRow(id)).config) as Record<string, unknown>;
    edit(config);
    await writeRow(id, { config: JSON.stringify(config) });
  }

  const reveal = (user: SignedUpUser, id: string) => h.request("GET", `/api/api-keys/${id}?includeValue=true`, { cookie: user.cookie });
  const keyTest = (user: SignedUpUser, keyId: string) => h.request("POST", "/api/api-keys/test", { cookie: user.cookie, body: { keyId } });

  async function handOut(userId: string, service: ServiceId): Promise<unknown> {
    return service === "aws" ? provider.getAWSCredentials(userId) : provider.getServiceConfig(userId, service);
  }

  /** Every way the secret can leave: each fails with the generic error, and nothing is sent anywhere. */
  async function expectSecretNotUsed(user: SignedUpUser, owner: OwnerRef, keyId: string, service: ServiceId, value: unknown) {
    const sentToFake = fake.requests.length;
    const revealed = await reveal(user, keyId);
    const text = await revealed.text();
    expect(revealed.status, text).toBe(500);
    expect(JSON.parse(text)).toEqual(GENERIC_500);
    await expect(h.runtime.keys.reveal(actorFor(owner), owner, keyId)).rejects.toThrow(DecryptionError);
    await expect(h.runtime.keys.reveal(actorFor(owner), owner, keyId)).rejects.toThrow(/^Decryption failed$/);

    await expect(handOut(owner.id, service)).rejects.toThrow(DecryptionError);
    if (service !== "aws") await expect(provider.getApiKey(owner.id, service)).rejects.toThrow(/^Decryption failed$/);

    const tested = await keyTest(user, keyId);
    const testedText = await tested.text();
    expect(tested.status, testedText).toBe(500);
    expect(JSON.parse(testedText)).toEqual(GENERIC_500);
    for (const secret of typeof value === "string" ? [value] : Object.values(value as object)) {
      expect(text + testedText).not.toContain(secret as string);
    }
    expect(attacker.requests, "the edited URL received a request").toHaveLength(0);
    expect(fake.requests.length, "a request was sent").toBe(sentToFake);
  }

  /** The untouched key works everywhere, so a failure above is the edit's doing. */
  async function expectSecretUsable(user: SignedUpUser, keyId: string, service: Service, value: unknown) {
    expect((await jsonOf(await reveal(user, keyId), 200)).value).toEqual(value);
    const handed = (await handOut(user.id, service)) as Record<string, unknown>;
    if (service === "aws") expect(handed.secretAccessKey).toBe((value as { secretAccessKey: string }).secretAccessKey);
    else expect(handed.apiKey).toBe(value);
  }

  describe("each column that decides where or how a secret is used", () => {
    const cases: { column: string; service: Service; edit: (id: string) => Promise<void> }[] = [
      { column: "config.baseUrl (to another server)", service: "custom", edit: (id) => editConfig(id, (c) => void (c.baseUrl = `${attacker.url}/custom`)) },
      { column: "config.headerName", service: "custom", edit: (id) => editConfig(id, (c) => void (c.headerName = "X-Forward-Me")) },
      { column: "config.headerPrefix", service: "custom", edit: (id) => editConfig(id, (c) => void (c.headerPrefix = "Token ")) },
      { column: "config.region", service: "aws", edit: (id) => editConfig(id, (c) => void (c.region = "us-east-1")) },
      { column: "config (a field added to an empty one)", service: "openai", edit: (id) => editConfig(id, (c) => void (c.baseUrl = attacker.url)) },
      { column: "version (up)", service: "custom", edit: async (id) => writeRow(id, { version: (await readRow(id)).version + 1 }) },
      { column: "version (down)", service: "openai", edit: async (id) => writeRow(id, { version: 0 }) },
    ];
    for (const { column, service, edit } of cases) {
      it(`${column}: reveal, hand-out and key test fail; nothing is sent`, async () => {
        const user = await newUser();
        const key = await saveKey(user, service);
        const before = await readRow(key.id);
        await expectSecretUsable(user, key.id, service, key.value);
        await edit(key.id);
        await expectSecretNotUsed(user, ownerOf(user), key.id, service, key.value);
        await writeRow(key.id, { config: before.config, version: before.version });
        await expectSecretUsable(user, key.id, service, key.value);
      });
    }

    it("service: the row handed out as another service fails", async () => {
      const user = await newUser();
      const key = await saveKey(user, "custom");
      await writeRow(key.id, { service: "openai", config: "{}" });
      await expectSecretNotUsed(user, ownerOf(user), key.id, "openai", key.value);
    });

    it("owner_type / owner_id: the row moved to another user fails for them", async () => {
      const [alice, mallory] = [await newUser(), await newUser()];
      const key = await saveKey(alice, "custom");
      await saveKey(mallory, "openai"); // mallory has a data key of her own
      await writeRow(key.id, { owner_id: mallory.id });
      await expectSecretNotUsed(mallory, ownerOf(mallory), key.id, "custom", key.value);
      await writeRow(key.id, { owner_type: "team", owner_id: alice.id });
      // No user may act on a team's keys yet; the hand-out (the library's actor) still opens only what is bound.
      await expect(h.runtime.keys.findUsableKey(LIBRARY_ACTOR, { type: "team", id: alice.id }, "custom")).rejects.toThrow(/^Decryption failed$/);
    });

    it("id: the row under another id fails", async () => {
      const user = await newUser();
      const key = await saveKey(user, "custom");
      const newId = `${key.id.slice(0, -1)}${key.id.endsWith("A") ? "B" : "A"}`;
      await writeRow(key.id, { id: newId });
      await expectSecretNotUsed(user, ownerOf(user), newId, "custom", key.value);
    });

    it("data_key_id: another owner's data key fails", async () => {
      const [alice, bob] = [await newUser(), await newUser()];
      const key = await saveKey(alice, "custom");
      const bobs = await readRow((await saveKey(bob, "openai")).id);
      await writeRow(key.id, { data_key_id: bobs.data_key_id });
      await expectSecretNotUsed(alice, ownerOf(alice), key.id, "custom", key.value);
    });

    it("encrypted_value: the ciphertext of the previous value, put back after a value update, fails", async () => {
      const user = await newUser();
      const key = await saveKey(user, "custom");
      const old = await readRow(key.id);
      const newValue = fakeKey("custom", "valid").replace("0123", "4567");
      await jsonOf(await h.request("PUT", `/api/api-keys/${key.id}`, { cookie: user.cookie, body: { value: newValue } }), 200);
      const current = await readRow(key.id);
      expect(current.version).toBe(old.version + 1);

      await writeRow(key.id, { encrypted_value: old.encrypted_value, data_key_id: old.data_key_id });
      await expectSecretNotUsed(user, ownerOf(user), key.id, "custom", key.value);
      // The old version number alone, with the current ciphertext, fails as well.
      await writeRow(key.id, { encrypted_value: current.encrypted_value, version: old.version });
      await expectSecretNotUsed(user, ownerOf(user), key.id, "custom", newValue);
      await writeRow(key.id, { version: current.version });
      await expectSecretUsable(user, key.id, "custom", newValue);
    });

    it("encrypted_value: a ciphertext from before a config change, put back with that config, fails (every re-seal moves the version on)", async () => {
      const user = await newUser();
      const key = await saveKey(user, "custom");
      const old = await readRow(key.id);
      const body = { config: { baseUrl: `${fake.url}/custom`, headerName: "Authorization", headerPrefix: "Bearer  " } };
      await jsonOf(await h.request("PUT", `/api/api-keys/${key.id}`, { cookie: user.cookie, body }), 200);
      expect((await readRow(key.id)).version).toBe(old.version + 1);
      await writeRow(key.id, { encrypted_value: old.encrypted_value, config: old.config });
      await expectSecretNotUsed(user, ownerOf(user), key.id, "custom", key.value);
    });
  });

  describe("updates re-seal with the new binding", () => {
    it("a config change keeps the value, moves the version on, and the new config is the one bound", async () => {
      const user = await newUser();
      const key = await saveKey(user, "aws");
      const before = await readRow(key.id);
      await jsonOf(await h.request("PUT", `/api/api-keys/${key.id}`, { cookie: user.cookie, body: { config: { region: "ap-southeast-2" } } }), 200);
      const after = await readRow(key.id);
      expect(after.version).toBe(before.version + 1);
      expect(after.encrypted_value).not.toBe(before.encrypted_value);
      expect(after.encrypted_value).toMatch(/^kh2\./);
      await expectSecretUsable(user, key.id, "aws", key.value);
      expect((await provider.getAWSCredentials(user.id)).region).toBe("ap-southeast-2");
      // Putting the old region back by hand now fails.
      await writeRow(key.id, { config: before.config });
      await expectSecretNotUsed(user, ownerOf(user), key.id, "aws", key.value);
    });

    it("the same config in another key order, or a rename, does not re-seal", async () => {
      const user = await newUser();
      const key = await saveKey(user, "custom");
      const before = await readRow(key.id);
      const reordered = { headerPrefix: "Bearer ", headerName: "Authorization", baseUrl: `${fake.url}/custom/` };
      await jsonOf(await h.request("PUT", `/api/api-keys/${key.id}`, { cookie: user.cookie, body: { config: reordered, name: "renamed" } }), 200);
      const after = await readRow(key.id);
      expect(after).toMatchObject({ version: before.version, encrypted_value: before.encrypted_value, name: "renamed" });
      await expectSecretUsable(user, key.id, "custom", key.value);
    });

    it("concurrent config and value updates never leave a row whose ciphertext and version disagree", async () => {
      const user = await newUser();
      const key = await saveKey(user, "custom");
      const owner = ownerOf(user);
      const values = ["a", "b", "c"].map((s) => `custom-test-valid-${s.repeat(16)}`);
      await Promise.all([
        ...values.map((value) => h.runtime.keys.update(actorFor(owner), owner, key.id, { value })),
        h.runtime.keys.update(actorFor(owner), owner, key.id, { config: { baseUrl: `${fake.url}/custom`, headerPrefix: "Token " } }),
        h.runtime.keys.update(actorFor(owner), owner, key.id, { config: { baseUrl: `${fake.url}/custom`, headerPrefix: "Key " } }),
      ]);
      const row = await readRow(key.id);
      expect(row.version).toBe(1 + 5);
      expect(values).toContain((await h.runtime.keys.reveal(actorFor(owner), owner, key.id)).value);
    });
  });
});
