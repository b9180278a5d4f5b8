/**
 * POST /api/tokens with bad input, on both databases: unknown, empty, duplicated-past-the-limit
 * or mistyped scopes; a past, present or malformed expiry; names too long, empty or with control
 * characters; extra fields (a body cannot make a service token or a token for someone else);
 * bodies that are not JSON or not an object. Each is a 400 in our shape whose details name the
 * field, and alice (who sends them all) still has no token. Valid edge cases, sent by bob, show
 * the refusals are the rules', not a route that refuses everything.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, jsonOf, type HttpApp, type SignedUpUser } from "../support/http-app.js";

describeEachDatabase("POST /api/tokens bad input", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;
  let bob: SignedUpUser;
  const clock = new Date("2030-06-01T12:00:00.000Z");

  beforeAll(async () => {
    h = await createHttpApp(dialect, { now: () => clock });
    alice = await h.signUp();
    bob = await h.signUp();
  });
  afterAll(() => h?.close());

  const create = (body: unknown, headers?: Record<string, string>, user = alice) => h.request("POST", "/api/tokens", { cookie: user.cookie, body, headers });
  const tokenRows = (user: SignedUpUser) => h.runtime.database.db.selectFrom("access_tokens").selectAll().where("created_by", "=", user.id).execute();
  async function aliceHasNoToken() {
    expect(await tokenRows(alice)).toEqual([]);
  }

  /** [what, body, the detail path that must be named]. */
  const badBodies: [string, unknown, string][] = [
    ["unknown scope", { name: "x", scopes: ["keys:everything"] }, "scopes.0"],
    ["a known scope next to an unknown one", { name: "x", scopes: ["keys:read", "admin"] }, "scopes.1"],
    ["a scope in the wrong case", { name: "x", scopes: ["KEYS:READ"] }, "scopes.0"],
    ["a scope with spaces", { name: "x", scopes: [" keys:read"] }, "scopes.0"],
    ["empty scopes", { name: "x", scopes: [] }, "scopes"],
    ["no scopes", { name: "x" }, "scopes"],
    ["scopes not an array", { name: "x", scopes: "keys:read" }, "scopes"],
    ["scopes null", { name: "x", scopes: null }, "scopes"],
    ["a scope that is not a string", { name: "x", scopes: [1] }, "scopes.0"],
    ["more scopes than exist (repeats)", { name: "x", scopes: Array(6).fill("keys:read") }, "scopes"],
    ["expiry in the past", { name: "x", scopes: ["keys:read"], expiresAt: "2001-01-01T00:00:00Z" }, "expiresAt"],
    ["expiry exactly now", { name: "x", scopes: ["keys:read"], expiresAt: clock.toISOString() }, "expiresAt"],
    ["expiry one second ago", { name: "x", scopes: ["keys:read"], expiresAt: new Date(clock.getTime() - 1000).toISOString() }, "expiresAt"],
    ["expiry not a date", { name: "x", scopes: ["keys:read"], expiresAt: "tomorrow" }, "expiresAt"],
    ["expiry an impossible date", { name: "x", scopes: ["keys:read"], expiresAt: "2031-02-30T00:00:00Z" }, "expiresAt"],
    ["expiry a number", { name: "x", scopes: ["keys:read"], expiresAt: 1_900_000_000_000 }, "expiresAt"],
    ["expiry without a zone", { name: "x", scopes: ["keys:read"], expiresAt: "2031-01-01T00:00:00" }, "expiresAt"],
    ["name over 100 characters", { name: "x".repeat(101), scopes: ["keys:read"] }, "name"],
    ["name of 10,000 characters", { name: "n".repeat(10_000), scopes: ["keys:read"] }, "name"],
    ["empty name", { name: "", scopes: ["keys:read"] }, "name"],
    ["name of spaces only", { name: "   ", scopes: ["keys:read"] }, "name"],
    ["no name", { scopes: ["keys:read"] }, "name"],
    ["name not a string", { name: 42, scopes: ["keys:read"] }, "name"],
    ["name with a newline", { name: "ci\ntoken", scopes: ["keys:read"] }, "name"],
    ["name with NUL", { name: "ci\u0000", scopes: ["keys:read"] }, "name"],
    ["name with an escape sequence", { name: "\u001b[2Jci", scopes: ["keys:read"] }, "name"],
    ["an extra field", { name: "x", scopes: ["keys:read"], extra: 1 }, "body"],
    ["kind: service", { name: "x", scopes: ["resolve"], kind: "service" }, "body"],
    ["someone else's userId", { name: "x", scopes: ["keys:read"], userId: "someone-else" }, "body"],
    ["a chosen token", { name: "x", scopes: ["keys:read"], token: `kh_${"A".repeat(43)}` }, "body"],
    ["a chosen id", { name: "x", scopes: ["keys:read"], id: "tok_mine" }, "body"],
    ["__proto__", JSON.parse('{"name":"x","scopes":["keys:read"],"__proto__":{"kind":"service"}}'), "body"],
    ["an array", [{ name: "x", scopes: ["keys:read"] }], "body"],
    ["null", null, "body"],
    ["a string", "x", "body"],
    ["a number", 7, "body"],
  ];
  for (const [what, body, path] of badBodies) {
    it(`${what}: 400 naming ${path}`, async () => {
      // Strings are sent as they are: JSON-encode them so the body is that JSON value.
      const res = await create(typeof body === "string" ? JSON.stringify(body) : body === null ? "null" : body);
      const error = (await jsonOf(res, 400)).error;
      expect(error).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringMatching(/^(Invalid request: .+|expiresAt must be in the future)$/) });
      expect(error.details.map((d: { path: string }) => d.path)).toContain(path);
      // Nothing of a long value is echoed back.
      expect(JSON.stringify(error).length).toBeLessThan(1_000);
      await aliceHasNoToken();
    });
  }

  const notJson: [string, string, Record<string, string>][] = [
    ["malformed JSON", '{"name":"x","scopes":["keys:read"]', {}],
    ["trailing junk", '{"name":"x","scopes":["keys:read"]} x', {}],
    ["single quotes", "{'name':'x','scopes':['keys:read']}", {}],
    ["an empty body", "", {}],
    ["text/plain", JSON.stringify({ name: "x", scopes: ["keys:read"] }), { "content-type": "text/plain" }],
    ["a form", "name=x&scopes=keys%3Aread", { "content-type": "application/x-www-form-urlencoded" }],
  ];
  for (const [what, text, headers] of notJson) {
    it(`not JSON — ${what}: 400`, async () => {
      const error = (await jsonOf(await create(text, headers), 400)).error;
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toMatch(/^(Malformed JSON in request body|Content-Type must be application\/json)$/);
      await aliceHasNoToken();
    });
  }

  it("a body over 64 KiB: 413", async () => {
    const error = (await jsonOf(await create({ name: "x", scopes: ["keys:read"], pad: "p".repeat(70_000) }), 413)).error;
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    await aliceHasNoToken();
    expect((await jsonOf(await h.request("GET", "/api/tokens", { cookie: alice.cookie }), 200)).tokens).toEqual([]);
  });

  it("valid edge cases are accepted and stored as normalised", async () => {
    const ok = async (body: Record<string, unknown>) => (await jsonOf(await create(body, {}, bob), 201)).accessToken;
    // Repeated scopes count once; the name is trimmed; a date alone is its midnight UTC; an offset becomes UTC.
    expect(await ok({ name: "  ci  ", scopes: ["keys:read", "keys:read", "keys:write"] })).toMatchObject({ name: "ci", scopes: ["keys:read", "keys:write"] });
    expect(await ok({ name: "date", scopes: ["keys:read"], expiresAt: "2031-01-01" })).toMatchObject({ expiresAt: "2031-01-01T00:00:00.000Z" });
    expect(await ok({ name: "offset", scopes: ["keys:read"], expiresAt: "2031-01-01T02:00:00+02:00" })).toMatchObject({ expiresAt: "2031-01-01T00:00:00.000Z" });
    expect(await ok({ name: "null", scopes: ["keys:read"], expiresAt: null })).toMatchObject({ expiresAt: null });
    expect(await ok({ name: "x".repeat(100), scopes: ["keys:read", "keys:write", "keys:reveal", "resolve", "audit:read"] })).toMatchObject({ kind: "personal" });
    const rows = await tokenRows(bob);
    expect(rows).toHaveLength(5);
    // Every one is bob's own, personal token.
    expect(rows.map((r) => [r.kind, r.user_id, r.created_by])).toEqual(Array(5).fill(["personal", bob.id, bob.id]));
    expect((await jsonOf(await h.request("GET", "/api/tokens", { cookie: bob.cookie }), 200)).tokens).toHaveLength(5);
  });
});
