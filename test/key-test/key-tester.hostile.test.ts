/**
 * A hostile endpoint cannot make a key test expensive: whatever the body (unclosed XML tags
 * that make a lazy regex quadratic, deep JSON, a never-ending answer), the tester reads at
 * most MAX_PARSED_BODY_BYTES, cancels the rest, and spends well under 50 ms of CPU.
 * The budget is generous for a loaded 2-core machine: the fixed tester needs ~4–7 ms per call
 * (connection and fake server included); the old one (the whole 64 KiB body through
 * `<Message>([\s\S]*?)</Message>`) took 200–660 ms on the XML bodies, 60–100 ms on an endless one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyTester, MAX_PARSED_BODY_BYTES, providerMessage, type KeyTester } from "../../src/key-test/index.js";
import { HOSTILE_BODIES, startHostileProvider, type HostileBodyName, type HostileProvider } from "../support/hostile-provider.js";
import { fakeKey } from "../support/fake-provider.js";
import { createHttpApp, jsonOf, type HttpApp } from "../support/http-app.js";

const CPU_BUDGET_MS = 50;
const KEY = fakeKey("custom", "invalid");

let hostile400: HostileProvider;
let hostile500: HostileProvider;
let tester: KeyTester;

beforeAll(async () => {
  [hostile400, hostile500] = await Promise.all([startHostileProvider(400), startHostileProvider(500)]);
  tester = createKeyTester({ allowPrivateEndpoints: true, allowHttpHosts: ["127.0.0.1"], timeoutMs: 5_000 });
  // Warm up (module loading, JIT) so the measured calls are the parsing itself.
  await tester.testKey("custom", KEY, { baseUrl: `${hostile400.url}/json-deep-object` });
});
afterAll(async () => {
  await Promise.all([hostile400?.close(), hostile500?.close()]);
});

/** CPU time (user + system, this process: tester and fake server together) of one key test. */
async function measured(provider: HostileProvider, name: string) {
  const before = process.cpuUsage();
  const started = performance.now();
  const result = await tester.testKey("custom", KEY, { baseUrl: `${provider.url}/${name}` });
  const cpu = process.cpuUsage(before);
  return { result, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - started };
}

const NAMES = [...(Object.keys(HOSTILE_BODIES) as HostileBodyName[]), "endless", "endless-ok"];

describe("key test against a hostile provider (64 KiB bodies)", () => {
  for (const [label, provider] of [["400", () => hostile400], ["500", () => hostile500]] as const) {
    it.each(NAMES)(`HTTP ${label}, %s: finishes in under ${CPU_BUDGET_MS} ms of CPU`, async (name) => {
      const { result, cpuMs, wallMs } = await measured(provider(), name);
      if (process.env.KEYHAVEN_PRINT_CPU) console.log(`${label} ${name}: ${cpuMs.toFixed(1)} ms CPU, ${wallMs.toFixed(1)} ms wall`);
      expect(cpuMs, `CPU ${cpuMs.toFixed(1)} ms`).toBeLessThan(CPU_BUDGET_MS);
      expect(wallMs).toBeLessThan(2_000);
      expect(result.status).toBe(name === "endless-ok" ? "valid" : "error");
      expect(result.message.length).toBeLessThan(400);
    });
  }

  it("hangs up on a never-ending answer instead of reading it to the end", async () => {
    const closedBefore = hostile400.closedEarly.length;
    await measured(hostile400, "endless");
    await expect.poll(() => hostile400.closedEarly.slice(closedBefore)).toContain("/endless/models");
  });
});

describe("POST /api/api-keys/test through the real HTTP app, against the hostile provider", () => {
  let h: HttpApp;
  let cookie: string;
  beforeAll(async () => {
    // The operator's base URL override points OpenAI at the hostile provider's xml-code-only body.
    h = await createHttpApp("sqlite", { env: { KEYHAVEN_OPENAI_BASE_URL: `${hostile400.url}/xml-code-only` } });
    cookie = (await h.signUp()).cookie;
  });
  afterAll(() => h?.close());

  it(`answers an unsaved key's test in under ${CPU_BUDGET_MS} ms of CPU`, async () => {
    const test = () => h.request("POST", "/api/api-keys/test", { cookie, body: { service: "openai", value: fakeKey("openai", "invalid") } });
    await jsonOf(await test(), 200); // warm-up: the route's first run
    const before = process.cpuUsage();
    const body = await jsonOf(await test(), 200);
    const cpu = process.cpuUsage(before);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(CPU_BUDGET_MS);
    expect(body).toMatchObject({ status: "error", success: false });
  });
});

describe("providerMessage", () => {
  it("parses only the first MAX_PARSED_BODY_BYTES, whatever it is handed", () => {
    const message = `{"error":{"message":"${"x".repeat(MAX_PARSED_BODY_BYTES)}"}}`;
    // Cut before the JSON closes: no message, rather than parsing the whole buffer.
    expect(providerMessage(Buffer.from(message), [])).toBeUndefined();
    expect(providerMessage(Buffer.from('{"error":{"message":"short"}}'), [])).toBe("short");
  });

  it("finds the AWS XML message and code with unclosed tags around them", () => {
    const xml = "<Code>Throttling</Code><Message>Rate exceeded</Message><Message><Code>";
    expect(providerMessage(Buffer.from(xml), [])).toBe("Throttling: Rate exceeded");
    expect(providerMessage(Buffer.from("<Message><Message>hi</Message>"), [])).toBe("<Message>hi");
  });

  it("spends no more CPU on 64 KiB of unclosed tags than the cut allows", () => {
    const before = process.cpuUsage();
    for (const body of Object.values(HOSTILE_BODIES)) providerMessage(Buffer.from(body), ["sk-test-0123456789abcdef"]);
    const cpu = process.cpuUsage(before);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(CPU_BUDGET_MS);
  });
});
