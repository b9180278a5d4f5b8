/**
 * Every outcome of the documented mapping, for every service, against the fake provider on
 * loopback. Custom endpoints point at loopback too, so these testers allow private endpoints;
 * key-tester.ssrf.test.ts shows the same URLs refused when that is off.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyTester, type KeyTester, type KeyTestResult } from "../../src/key-test/index.js";
import { fakeBaseUrlOverrides, fakeKey, startFakeProvider, type FakeOutcome, type FakeProvider } from "../support/fake-provider.js";
import { closedPort, expectNoSecretIn, expectResultShape, keyFor, SERVICES, testerAgainst } from "./helpers.js";

let fake: FakeProvider;
let tester: KeyTester;
let hangTester: KeyTester;

beforeAll(async () => {
  fake = await startFakeProvider();
  tester = testerAgainst(fake.url);
  hangTester = testerAgainst(fake.url, 300);
});

afterAll(async () => {
  await fake.close();
});

const EXPECTED: Record<Exclude<FakeOutcome, "hang">, { status: KeyTestResult["status"]; message: RegExp }> = {
  valid: { status: "valid", message: /^Key is valid$/ },
  invalid: { status: "invalid", message: /^The provider rejected the key \(HTTP 40[13]\): / },
  ratelimited: { status: "valid", message: /^Key is valid, but the provider is rate limiting it right now \(HTTP 429\)$/ },
  servererror: { status: "error", message: /server error \(HTTP 500\); try again later/ },
  redirect: {
    status: "error",
    message: /^The endpoint redirected \(HTTP 302 to http:\/\/169\.254\.169\.254\/latest\/meta-data\); redirects are not followed/,
  },
};

function requestsWith(marker: string) {
  return fake.requests.filter((r) => JSON.stringify(r.headers).includes(marker));
}

describe.each(SERVICES)("%s", (service) => {
  for (const [outcome, expected] of Object.entries(EXPECTED) as [Exclude<FakeOutcome, "hang">, (typeof EXPECTED)["valid"]][]) {
    it(`${outcome} key → ${expected.status}`, async () => {
      const { value, config } = keyFor(service, outcome, fake.url);
      const before = fake.requests.length;
      const result = await tester.testKey(service, value, config);
      expectResultShape(result);
      expect(result.status).toBe(expected.status);
      expect(result.message).toMatch(expected.message);
      expectNoSecretIn(result.message, value);
      // Exactly one request, with the right auth (a wrong one is answered 400 and fails above).
      const sent = fake.requests.slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0].wrongAuth).toBeUndefined();
    });
  }

  it("invalid key: quotes the provider's message with the key it echoed redacted", async () => {
    const { value, config } = keyFor(service, "invalid", fake.url);
    const result = await tester.testKey(service, value, config);
    expect(result.message).toContain("[redacted]");
    expect(result.message).toMatch(/Incorrect API key provided|invalid x-api-key|API key not valid|InvalidClientTokenId/);
    expectNoSecretIn(result.message, value);
  });

  it("hanging provider → error after the timeout", async () => {
    const { value, config } = keyFor(service, "hang", fake.url);
    const result = await hangTester.testKey(service, value, config);
    expectResultShape(result);
    expect(result).toMatchObject({ status: "error", success: false, message: "The provider did not answer within 300 ms" });
    expect(result.latencyMs).toBeGreaterThanOrEqual(250);
    expect(result.latencyMs).toBeLessThan(3_000);
    expectNoSecretIn(result.message, value);
  });

  it("connection refused → error", async () => {
    const port = await closedPort();
    const base = `http://127.0.0.1:${port}`;
    const refused = testerAgainst(base);
    const { value, config } = keyFor(service, "valid", base);
    const result = await refused.testKey(service, value, config);
    expectResultShape(result);
    expect(result).toMatchObject({ status: "error", success: false });
    expect(result.message).toBe(`Could not connect to 127.0.0.1:${port}: connection refused`);
  });

  it("DNS failure (.invalid host, real resolver) → error", async () => {
    const base = "https://keyhaven-test.invalid/v1";
    // The guard stays on for custom here: the lookup fails before any address is checked.
    const unresolvable = createKeyTester({ baseUrlOverrides: fakeBaseUrlOverrides(base), allowPrivateEndpoints: false });
    const value = fakeKey(service, "valid");
    const config = service === "custom" ? { baseUrl: base } : undefined;
    const result = await unresolvable.testKey(service, value, config);
    expectResultShape(result);
    expect(result).toMatchObject({ status: "error", success: false });
    expect(result.message).toMatch(/^Could not resolve keyhaven-test\.invalid \(DNS lookup failed: [A-Z_]+\)$/);
  });
});

describe("aws temporary credentials (ASIA + session token)", () => {
  it.each(["valid", "invalid", "ratelimited", "servererror"] as const)("%s", async (outcome) => {
    const value = fakeKey("aws", outcome, { temporary: true });
    const result = await tester.testKey("aws", value, { region: "us-west-2" });
    expect(result.status).toBe(EXPECTED[outcome].status);
    expect(result.message).toMatch(EXPECTED[outcome].message);
    expectNoSecretIn(result.message, value);
    expect(requestsWith(value.accessKeyId).at(-1)?.wrongAuth).toBeUndefined();
  });
});

it("a key signed with the wrong AWS secret is invalid (the fake checks the signature itself)", async () => {
  const value = { ...fakeKey("aws", "valid"), secretAccessKey: "A".repeat(40) };
  const result = await tester.testKey("aws", value, {});
  expect(result.status).toBe("invalid");
  expect(result.message).toMatch(/^The provider rejected the key \(HTTP 403\): SignatureDoesNotMatch: /);
  expectNoSecretIn(result.message, value);
});
