/**
 * SSRF through the key tester: custom endpoints on internal addresses are refused before any
 * connection, unless the operator allows them; built-in services and their overrides are not
 * guarded; redirects (to a metadata address here) are never followed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createKeyTester, type LookupFn } from "../../src/key-test/index.js";
import { fakeBaseUrlOverrides, fakeKey, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
import { expectAppError, expectNoSecretIn, SERVICES } from "./helpers.js";

let fake: FakeProvider;
let port: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  port = new URL(fake.url).port;
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

/** Every name resolves to the fake's loopback address: a "public" name that is not. */
const toLoopback: LookupFn = async () => [{ address: "127.0.0.1", family: 4 }];
const key = fakeKey("custom", "valid");

describe("custom endpoints are refused (VALIDATION_ERROR, nothing sent)", () => {
  const guarded = createKeyTester({ allowPrivateEndpoints: false, allowHttpHosts: ["127.0.0.1"], lookup: toLoopback });

  it.each([
    ["https://127.0.0.1/v1", "is a loopback address (127.0.0.1)"],
    ["https://localhost/v1", "localhost is an internal name"],
    ["https://10.0.0.1/v1", "is a private address (10.0.0.1)"],
    ["https://192.168.1.1/v1", "is a private address (192.168.1.1)"],
    ["https://169.254.169.254/latest", "is a metadata address (169.254.169.254)"],
    ["https://[::1]/v1", "is a loopback address (::1)"],
    ["https://[::ffff:127.0.0.1]/v1", "is a loopback address (::ffff:7f00:1)"],
    ["https://evil.example/v1", "resolves to a loopback address;"],
  ])("%s", async (baseUrl, why) => {
    const err = await expectAppError(guarded.testKey("custom", key, { baseUrl }), "VALIDATION_ERROR");
    expect(err.message).toContain(why);
    expect(err.message).toContain("private, loopback, link-local and metadata addresses are not allowed");
    expectNoSecretIn(err.message, key);
    expect(fake.requests).toHaveLength(0);
  });

  it("the fake provider's own URL, refused when private endpoints are off and reached when on", async () => {
    const config = { baseUrl: `${fake.url}/custom` };
    const err = await expectAppError(guarded.testKey("custom", key, config), "VALIDATION_ERROR");
    expect(err.message).toBe(
      "Endpoint host is a loopback address (127.0.0.1); private, loopback, link-local and metadata addresses are not allowed",
    );
    expect(fake.requests).toHaveLength(0);

    const allowed = createKeyTester({ allowPrivateEndpoints: true, allowHttpHosts: ["127.0.0.1"] });
    expect(await allowed.testKey("custom", key, config)).toMatchObject({ status: "valid", success: true });
    expect(fake.requests).toHaveLength(1);
  });

  it("a name resolving to loopback (DNS checked once, on the name the request uses)", async () => {
    const lookup = vi.fn(toLoopback);
    const tester = createKeyTester({ allowPrivateEndpoints: false, allowHttpHosts: ["evil.example"], lookup });
    await expectAppError(tester.testKey("custom", key, { baseUrl: `http://evil.example:${port}/custom` }), "VALIDATION_ERROR");
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(lookup).toHaveBeenCalledWith("evil.example");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("built-in services are never guarded", () => {
  it.each(SERVICES.filter((s) => s !== "custom"))("%s: the operator's override on loopback is used", async (service) => {
    const tester = createKeyTester({ baseUrlOverrides: fakeBaseUrlOverrides(fake.url), allowPrivateEndpoints: false });
    const result = await tester.testKey(service, fakeKey(service, "valid"));
    expect(result.status).toBe("valid");
    expect(fake.requests).toHaveLength(1);
  });
});

describe("redirects are never followed", () => {
  it("custom: a 302 to 169.254.169.254 is an error outcome; nothing goes to the target", async () => {
    const tester = createKeyTester({ allowPrivateEndpoints: true, allowHttpHosts: ["127.0.0.1", "public.example"], lookup: toLoopback });
    const redirectKey = fakeKey("custom", "redirect");
    for (const baseUrl of [`${fake.url}/custom`, `http://public.example:${port}/custom`]) {
      fake.requests.length = 0;
      const result = await tester.testKey("custom", redirectKey, { baseUrl });
      expect(result).toMatchObject({ status: "error", success: false });
      expect(result.message).toBe(
        "The endpoint redirected (HTTP 302 to http://169.254.169.254/latest/meta-data); redirects are not followed, check the base URL",
      );
      expect(fake.requests).toHaveLength(1);
    }
  });

  it.each(SERVICES.filter((s) => s !== "custom"))("%s: a redirect is an error outcome", async (service) => {
    const tester = createKeyTester({ baseUrlOverrides: fakeBaseUrlOverrides(fake.url) });
    const result = await tester.testKey(service, fakeKey(service, "redirect"));
    expect(result.status).toBe("error");
    expect(result.message).toMatch(/^The endpoint redirected \(HTTP 302 to http:\/\/169\.254\.169\.254\//);
    expect(fake.requests).toHaveLength(1);
  });
});

describe("input problems are thrown, never sent", () => {
  const tester = createKeyTester({ allowPrivateEndpoints: true });

  it("plain http to a host the operator did not list", async () => {
    const err = await expectAppError(tester.testKey("custom", key, { baseUrl: `${fake.url}/custom` }), "VALIDATION_ERROR");
    expect(err.message).toMatch(/must use https/);
    expect(fake.requests).toHaveLength(0);
  });

  it("a custom key without a base URL", async () => {
    await expectAppError(tester.testKey("custom", key, {}), "VALIDATION_ERROR");
  });

  it("a key of the wrong format, without quoting it", async () => {
    const err = await expectAppError(tester.testKey("openai", "not-a-key-at-all-but-secret"), "INVALID_KEY_FORMAT");
    expectNoSecretIn(err.message, "not-a-key-at-all-but-secret");
  });
});
