/**
 * getServiceConfig never hands out a custom base URL that points inside the network, even when
 * the row was saved while private endpoints were allowed or its name moved inside since:
 * it throws the save's VALIDATION_ERROR (the key exists; "no key" would mislead). DNS is injected.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { AppError } from "../../src/platform/errors.js";
import { createApiKeyProvider, type ApiKeyProvider } from "../../src/provider/index.js";
import type { Runtime } from "../../src/app/compose.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";
import { mapLookup } from "../support/map-lookup.js";
import { keys, newUserId, userOwner } from "./fixtures.js";
import { actorFor } from "../support/actors.js";

const REFUSED = "config.baseUrl is not allowed: it points to a private or internal address";

describeEachDatabase("getServiceConfig and custom endpoints", (dialect) => {
  const lookup = mapLookup({ "internal.example.com": ["10.1.2.3"], "public.example.com": ["93.184.216.34"] });
  let tdb: TestDatabase;
  let rt: Runtime;
  let provider: ApiKeyProvider;
  let permissive: ApiKeyProvider;
  const users: Record<string, string> = {};

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    // Saved while the operator allowed private endpoints …
    const allowing = await tdb.runtime({ KEYHAVEN_ALLOW_PRIVATE_ENDPOINTS: "true" }, { lookup });
    for (const [name, baseUrl] of Object.entries({
      literal: "https://10.0.0.7/v1",
      metadata: "https://169.254.169.254/latest",
      resolved: "https://internal.example.com/v1",
      public: "https://public.example.com/v1",
      unresolvable: "https://gone.example.com/v1",
    })) {
      users[name] = newUserId();
      await allowing.keys.create(actorFor(userOwner(users[name])), userOwner(users[name]), { name, service: "custom", value: keys.custom(), config: { baseUrl } });
    }
    users.openai = newUserId();
    await allowing.keys.create(actorFor(userOwner(users.openai)), userOwner(users.openai), { name: "o", service: "openai", value: keys.openai() });
    await allowing.close();
    // … handed out by a server or library that does not allow them.
    rt = await tdb.runtime({}, { lookup });
    provider = createApiKeyProvider({ keys: rt.keys, usage: rt.usage, config: rt.config, lookup });
    permissive = createApiKeyProvider({ keys: rt.keys, usage: rt.usage, config: { ...rt.config, allowPrivateEndpoints: true }, lookup });
  });
  afterAll(() => tdb.drop());

  async function expectRefused(userId: string): Promise<void> {
    const err = await provider.getServiceConfig(userId, "custom").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "VALIDATION_ERROR", message: REFUSED });
    expect(JSON.stringify(err)).not.toMatch(/10\.\d|169\.254/);
  }

  it("refuses a literal internal address or a name that resolves inside", async () => {
    await expectRefused(users.literal);
    await expectRefused(users.metadata);
    await expectRefused(users.resolved);
  });

  it("hands out a public endpoint, and refuses it once its name resolves inside", async () => {
    expect(await provider.getServiceConfig(users.public, "custom")).toMatchObject({ baseUrl: "https://public.example.com/v1", source: "user" });
    lookup.answers["public.example.com"] = ["93.184.216.34", "10.9.9.9"];
    try {
      await expectRefused(users.public);
    } finally {
      lookup.answers["public.example.com"] = ["93.184.216.34"];
    }
  });

  it("hands out a name DNS cannot resolve (the app's own request resolves it again)", async () => {
    expect(await provider.getServiceConfig(users.unresolvable, "custom")).toMatchObject({ baseUrl: "https://gone.example.com/v1" });
  });

  it("hands out everything when the operator allows private endpoints", async () => {
    for (const name of ["literal", "metadata", "resolved"]) {
      expect(await permissive.getServiceConfig(users[name], "custom")).toMatchObject({ source: "user" });
    }
  });

  it("asks DNS only for custom endpoints, and only in getServiceConfig", async () => {
    const before = lookup.asked.length;
    expect(await provider.getServiceConfig(users.openai, "openai")).toMatchObject({ baseUrl: "https://api.openai.com/v1" });
    await provider.getApiKey(users.openai, "openai");
    // The bare key carries no URL: the app decides where it goes.
    expect(await provider.getCustomApiKey(users.resolved)).toMatch(/^ck_/);
    expect(lookup.asked.length).toBe(before);
  });
});
