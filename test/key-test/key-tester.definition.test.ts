/**
 * The provider definition drives the key test: for every service whose test is a plain GET,
 * the fake provider on 127.0.0.1 receives, at the declared path, exactly the headers the
 * definition's authHeaders declares, besides the tester's own accept and user-agent.
 */
import { describe, expect, it } from "vitest";
import { listServices, normalizeServiceConfig, type StringServiceId } from "../../src/services/index.js";
import { fakeKey } from "../support/fake-provider.js";
import { useTesterOnFake } from "./helpers.js";

const env = useTesterOnFake();

/** What Node's http client adds to every request, and what the key tester adds to every GET. */
const TRANSPORT_HEADERS = ["host", "connection"];
const TESTER_HEADERS = { accept: "application/json", "user-agent": "keyhaven-key-test" };

const getTested = listServices().flatMap((s) => (s.keyTest.kind === "get" && s.valueKind === "string" ? [s] : []));

describe.each(getTested.map((s) => [s.id, s] as const))("%s", (id, definition) => {
  it("sends GET {base}{path} with exactly the definition's auth headers", async () => {
    if (definition.keyTest.kind !== "get") throw new Error("unreachable");
    const service: StringServiceId = id;
    const key = fakeKey(service, "valid");
    const rawConfig = service === "custom" ? { baseUrl: `${env.fake.url}/custom` } : undefined;
    const config = normalizeServiceConfig(service, rawConfig, { allowHttpHosts: ["127.0.0.1"] });
    const declared = Object.fromEntries(
      Object.entries((definition.authHeaders as (v: string, c: unknown) => Record<string, string>)(key, config)).map(([n, v]) => [n.toLowerCase(), v]),
    );
    expect(Object.keys(declared).length).toBeGreaterThan(0);

    expect((await env.tester.testKey(service, key, rawConfig)).status).toBe("valid");
    expect(env.fake.requests).toHaveLength(1);
    const [req] = env.fake.requests;
    expect(req.method).toBe("GET");
    expect(req.path).toBe(`/${service}${definition.keyTest.path}`);
    const expected = { ...TESTER_HEADERS, ...declared };
    const received = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !TRANSPORT_HEADERS.includes(name)));
    expect(received).toEqual(expected);
  });
});

it("covers every service but aws, whose signed request has its own test", () => {
  expect(getTested.map((s) => s.id)).toEqual(listServices().map((s) => s.id).filter((id) => id !== "aws"));
});
