/**
 * "A secret never reaches a log line": the whole flow at log level debug, every line captured,
 * with known secrets (key values, the password, the session token), some of which the fake
 * provider echoes back in its error answers. None may appear in any log line or error body.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { FAKE_AWS_SECRET_ACCESS_KEY, fakeBaseUrlOverrides, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
import { createHttpApp, jsonOf, unique, type HttpApp, type RequestOptions } from "../support/http-app.js";

// Every made-up secret carries this marker, so one search finds any of them, whole or in part.
const MARK = "LeakCanary";
const PASSWORD = `Password-${MARK}-9f3a1c`;
const WRONG_PASSWORD = `WrongPassword-${MARK}-77`;
// "invalid" makes the fake provider answer 401 quoting the key back, as careless providers do.
const FIRST_VALUE = `sk-proj-invalid-${MARK}First0123456789abcdef`;
const SECOND_VALUE = `sk-proj-valid-${MARK}Second0123456789abcdef`;
const UNSAVED_VALUE = `sk-proj-invalid-${MARK}Unsaved0123456789abcd`;
const BAD_FORMAT_VALUE = `sk-proj ${MARK}BadFormat 0123456789`;
const WRONG_SERVICE_VALUE = `sk-proj-${MARK}WrongService0123456789`;
const HEADER_INJECTION_VALUE = `custom-${MARK}Inject\r\nX-Evil: 1`;
const AWS_VALUE = { accessKeyId: "AKIAINVALID000000000", secretAccessKey: FAKE_AWS_SECRET_ACCESS_KEY };

describeEachDatabase("no secret in logs or error bodies", (dialect) => {
  let fake: FakeProvider;
  let h: HttpApp;
  const answers: { method: string; path: string; status: number; body: string }[] = [];
  let sessionToken = "";
  let cookieValue = "";
  let cookie = "";

  async function send(method: string, path: string, opts: RequestOptions = {}) {
    const res = await h.request(method, path, { cookie, ...opts });
    const body = await res.text();
    answers.push({ method, path: path.split("?")[0], status: res.status, body });
    return { status: res.status, body, json: () => JSON.parse(body), res };
  }

  beforeAll(async () => {
    fake = await startFakeProvider();
    const overrides = fakeBaseUrlOverrides(fake.url);
    h = await createHttpApp(dialect, {
      logLevel: "debug",
      env: { KEYHAVEN_OPENAI_BASE_URL: overrides.openai, KEYHAVEN_AWS_BASE_URL: overrides.aws },
    });

    // The flow.
    const email = `leak-${unique()}@example.com`;
    const up = await send("POST", "/api/auth/sign-up/email", { body: { email, password: PASSWORD, name: "Leak Test" } });
    expect(up.status).toBe(200);
    const setCookie = up.res.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token="))!;
    cookieValue = setCookie.split(";")[0].slice("better-auth.session_token=".length);
    sessionToken = decodeURIComponent(cookieValue).split(".")[0];
    cookie = `better-auth.session_token=${cookieValue}`;

    expect((await send("POST", "/api/auth/sign-in/email", { cookie: undefined, body: { email, password: WRONG_PASSWORD } })).status).toBe(401);
    expect((await send("POST", "/api/auth/sign-in/email", { cookie: undefined, body: { email, password: PASSWORD } })).status).toBe(200);

    const created = await send("POST", "/api/api-keys", { body: { name: "leak test key", service: "openai", value: FIRST_VALUE } });
    expect(created.status).toBe(201);
    const keyId = created.json().id as string;
    expect((await send("GET", "/api/api-keys")).status).toBe(200);
    expect((await send("GET", `/api/api-keys/${keyId}?includeValue=true`)).json().value).toBe(FIRST_VALUE);

    // The fake quotes the key back in its 401: the tester must redact it.
    const firstTest = await send("POST", "/api/api-keys/test", { body: { keyId } });
    expect(firstTest.json()).toMatchObject({ status: "invalid" });

    expect((await send("PUT", `/api/api-keys/${keyId}`, { body: { value: SECOND_VALUE } })).status).toBe(200);
    expect((await send("GET", `/api/api-keys/${keyId}?includeValue=true`)).json().value).toBe(SECOND_VALUE);
    expect((await send("POST", "/api/api-keys/test", { body: { keyId } })).json()).toMatchObject({ status: "valid" });
    expect((await send("POST", "/api/api-keys/test", { body: { service: "openai", value: UNSAVED_VALUE } })).json()).toMatchObject({
      status: "invalid",
    });

    const aws = await send("POST", "/api/api-keys", { body: { name: "aws", service: "aws", value: AWS_VALUE } });
    expect(aws.status).toBe(201);
    expect((await send("POST", "/api/api-keys/test", { body: { keyId: aws.json().id } })).json()).toMatchObject({ status: "invalid" });

    // Refused attempts that carry secret-like values.
    expect((await send("POST", "/api/api-keys", { body: { name: "bad", service: "openai", value: BAD_FORMAT_VALUE } })).status).toBe(400);
    expect((await send("POST", "/api/api-keys", { body: { name: "bad", service: "anthropic", value: WRONG_SERVICE_VALUE } })).status).toBe(400);
    expect((await send("POST", "/api/api-keys", { body: { name: "bad", service: "custom", value: HEADER_INJECTION_VALUE, config: { baseUrl: "https://api.example.com" } } })).status).toBe(400);
    expect((await send("POST", "/api/api-keys/test", { body: { service: "openai", value: BAD_FORMAT_VALUE } })).status).toBe(400);
    expect((await send("PUT", `/api/api-keys/${keyId}`, { body: { value: BAD_FORMAT_VALUE } })).status).toBe(400);
    expect((await send("POST", "/api/api-keys", { body: `{"name":"x","service":"openai","value":"${SECOND_VALUE}"` })).status).toBe(400);
    expect((await send("POST", "/api/api-keys", { body: { name: "x", service: "openai", value: { secret: SECOND_VALUE } } })).status).toBe(400);
    expect((await send("POST", "/api/api-keys", { body: { name: "x", service: "openai", value: `${SECOND_VALUE}${"x".repeat(9000)}` } })).status).toBe(400);
    expect((await send("GET", `/api/api-keys?service=${encodeURIComponent(SECOND_VALUE)}`)).status).toBe(400);
    expect((await send("POST", "/api/api-keys", { cookie: undefined, body: { name: "anon", service: "openai", value: SECOND_VALUE } })).status).toBe(401);

    expect((await send("DELETE", `/api/api-keys/${keyId}`)).status).toBe(204);
    expect((await send("POST", "/api/auth/sign-out", { body: {} })).status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  const secrets = () => ({
    marker: MARK,
    password: PASSWORD,
    first: FIRST_VALUE,
    second: SECOND_VALUE,
    unsaved: UNSAVED_VALUE,
    awsSecret: FAKE_AWS_SECRET_ACCESS_KEY,
    sessionToken,
    cookieValue,
    decodedCookieValue: decodeURIComponent(cookieValue),
  });

  it("the logger ran at debug and captured the flow", () => {
    expect(h.runtime.logger.level).toBe("debug");
    expect(h.logs.length).toBeGreaterThanOrEqual(answers.length);
    expect(sessionToken.length).toBeGreaterThan(10);
  });

  it("no secret, password or session token in any log line", () => {
    for (const line of h.logs) {
      for (const [name, secret] of Object.entries(secrets())) {
        expect(line.includes(secret), `${name} in log line ${line}`).toBe(false);
      }
      // Pieces are leaks too: the distinctive middle of every value.
      expect(line).not.toMatch(/First0123|Second0123|Unsaved0123|EXAMPLEKEY/);
      expect(line.toLowerCase()).not.toContain("cookie");
      expect(line.toLowerCase()).not.toContain("authorization");
    }
  });

  it("no secret in any error body, nor in any key-test answer", () => {
    const errors = answers.filter((a) => a.status >= 400);
    expect(errors.length).toBeGreaterThanOrEqual(11);
    for (const answer of [...errors, ...answers.filter((a) => a.path === "/api/api-keys/test")]) {
      for (const [name, secret] of Object.entries(secrets())) {
        expect(answer.body.includes(secret), `${name} in ${answer.method} ${answer.path} ${answer.status}: ${answer.body}`).toBe(false);
      }
      expect(answer.body).not.toMatch(/First0123|Second0123|Unsaved0123|EXAMPLEKEY/);
    }
  });

  it("every request left one log line with method, path (no query string), status and time", () => {
    const requestLines = h.logRecords().filter((r) => r.msg === "request");
    expect(requestLines.map((r) => ({ method: r.method, path: r.path, status: r.status }))).toEqual(
      answers.map((a) => ({ method: a.method, path: a.path, status: a.status })),
    );
    for (const line of requestLines) {
      expect(Object.keys(line).sort()).toEqual(["level", "method", "ms", "msg", "name", "path", "status", "time"]);
      expect(typeof line.ms).toBe("number");
    }
  });

  it("a reveal is recorded in the audit log by key id and actor, without the value", async () => {
    const reveals = await h.runtime.database.db.selectFrom("audit_events").selectAll().where("action", "=", "key.reveal").execute();
    expect(reveals).toHaveLength(2);
    for (const r of reveals) expect(r).toMatchObject({ target_type: "key", target_id: expect.stringMatching(/^key_/), actor_type: "user" });
  });

  it("sanity: the values really were stored and echoed by the fake", async () => {
    expect(fake.requests.some((r) => r.headers.authorization === `Bearer ${FIRST_VALUE}`)).toBe(true);
    const stats = await jsonOf(await h.request("GET", "/api/health"), 200);
    expect(stats.status).toBe("ok");
  });
});
