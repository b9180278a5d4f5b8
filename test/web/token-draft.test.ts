/** The new-token form's rules: expiry choices, what is sent, server errors back onto fields; and the usage example. */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/react/index.js";
import { createTokenBodySchema, TOKEN_SCOPES as SERVER_SCOPES, TOKEN_NAME_MAX as SERVER_NAME_MAX } from "../../src/shared/api-schemas.js";
import { buildTokenBody, emptyTokenDraft, fieldErrorsFrom, TOKEN_NAME_MAX } from "../../web/src/lib/token-draft";
import { EXPIRY_CHOICES, expiryFor } from "../../web/src/lib/token-expiry";
import { DEFAULT_SCOPES, orderedScopes, SCOPE_HELP, TOKEN_SCOPES } from "../../web/src/lib/token-scopes";
import { curlExample } from "../../web/src/lib/token-usage";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const DAY = 86_400_000;

describe("token scopes", () => {
  it("are the server's, each explained, resolve alone by default", () => {
    expect(TOKEN_SCOPES).toEqual(SERVER_SCOPES);
    expect(TOKEN_NAME_MAX).toBe(SERVER_NAME_MAX);
    for (const scope of TOKEN_SCOPES) expect(SCOPE_HELP[scope].length).toBeGreaterThan(10);
    expect(DEFAULT_SCOPES).toEqual(["resolve"]);
  });
  it("are shown in the canonical order whatever order they come in", () => {
    expect(orderedScopes(["resolve", "keys:read"])).toEqual(["keys:read", "resolve"]);
  });
});

describe("expiryFor", () => {
  it("counts preset days from now, and 'No expiry' is null", () => {
    expect(expiryFor("7", "", NOW)).toEqual({ expiresAt: new Date(NOW + 7 * DAY).toISOString() });
    expect(expiryFor("365", "", NOW)).toEqual({ expiresAt: new Date(NOW + 365 * DAY).toISOString() });
    expect(expiryFor("never", "", NOW)).toEqual({ expiresAt: null });
    expect(EXPIRY_CHOICES.map((c) => c.label)).toEqual(["7 days", "30 days", "90 days", "1 year", "No expiry", "On a date…"]);
  });
  it("a picked day runs to its end, local time; none or a past one is an error", () => {
    const result = expiryFor("date", "2027-03-01", NOW);
    expect(result).toEqual({ expiresAt: new Date(2027, 2, 1, 23, 59, 59, 999).toISOString() });
    expect(expiryFor("date", "", NOW)).toEqual({ error: "Pick a day" });
    expect(expiryFor("date", "2020-01-01", NOW)).toEqual({ error: "Pick a day from today on" });
  });
});

describe("buildTokenBody", () => {
  it("trims the name, orders the scopes, and sends what the server's schema accepts", () => {
    const built = buildTokenBody({ name: "  ci  ", scopes: ["resolve", "keys:read"], expiry: "30", date: "" }, NOW);
    expect(built).toEqual({ body: { name: "ci", scopes: ["keys:read", "resolve"], expiresAt: new Date(NOW + 30 * DAY).toISOString() } });
    if ("body" in built) expect(createTokenBodySchema.safeParse(built.body).success).toBe(true);
  });
  it("says what to fix: no name, no scope, no day", () => {
    expect(buildTokenBody({ ...emptyTokenDraft(), name: " ", scopes: [], expiry: "date" }, NOW)).toEqual({
      errors: { name: "Give the token a name", scopes: "Pick at least one scope", expiry: "Pick a day" },
    });
  });
});

describe("fieldErrorsFrom", () => {
  it("puts a 400's details on the fields they name (scopes.0 is scopes, expiresAt is the expiry)", () => {
    const err = new ApiError(400, "VALIDATION_ERROR", "Invalid request", {
      details: [
        { path: "name", message: "must be one line without control characters" },
        { path: "scopes.0", message: "must be one of: keys:read" },
        { path: "expiresAt", message: "must be in the future" },
        { path: "extra", message: "has unknown fields" },
      ],
    });
    expect(fieldErrorsFrom(err)).toEqual({
      name: "Must be one line without control characters",
      scopes: "Must be one of: keys:read",
      expiry: "Must be in the future",
    });
  });
  it("is empty for errors without details", () => {
    expect(fieldErrorsFrom(new ApiError(0, "NETWORK_ERROR", "offline"))).toEqual({});
    expect(fieldErrorsFrom(new Error("x"))).toEqual({});
  });
});

describe("curlExample", () => {
  it("shows a request the token may make, never the token", () => {
    expect(curlExample("https://kh.example", ["keys:read", "resolve"])).toBe('curl -H "Authorization: Bearer kh_…" \\\n  https://kh.example/api/resolve/openai');
    expect(curlExample("https://kh.example", ["keys:read"])).toBe('curl -H "Authorization: Bearer kh_…" \\\n  https://kh.example/api/api-keys');
    expect(curlExample("https://kh.example", ["keys:write"])).toBeNull();
  });
});
