/**
 * The authorization matrix for teams: every key route (list and stats with ?teamId, get, reveal,
 * update, delete, test, versions, rollback, rotate), both /api/resolve routes and the library,
 * × callers { anonymous, a non-member, a member, an admin, the owner, a removed member, and the
 * personal token (keys:read, keys:write, keys:reveal, resolve) of each of those people } × targets
 * { the owner's personal key, a team key shared "use", a team key shared "manage" }.
 *
 * The expected answers are a table written out by hand (EXPECTED below), not derived from the
 * role table of shared/team-roles.ts: a wrong entry there must fail here. After every cell: no
 * value of the key in the answer (body or headers) unless this caller may have it — a reveal by
 * an owner or admin, a hand-out to a current member (to the owner, for their personal key) —;
 * nothing of the key at all (id, name, mask) for a caller it does not exist for; and a row (and
 * its history) that nothing but an allowed change touched.
 *
 * Each cell has a key of its own, made through the key service as the team's owner (two values,
 * so there is a version to go back to) and deleted after: the team holds one key at a time, so
 * list, stats and hand-out answers are about that key. The server clock moves a minute per cell:
 * every cell starts with fresh rate-limit windows (owners and admins test and rotate many times).
 */
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inspectRoutes } from "hono/dev";
import { userActor } from "../../src/access/actor.js";
import type { OwnerRef } from "../../src/access/owner.js";
import { createApiKeyProvider } from "../../src/provider/api-key-provider.js";
import type { TokenScope } from "../../src/shared/api-schemas.js";
import { describeEachDatabase } from "../support/databases.js";
import { fakeBaseUrlOverrides, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";
import { createHttpApp, jsonOf, KEY_NOT_FOUND, UNAUTHORIZED, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { addMember, createTeam, removeMember, type TestTeam } from "../support/teams.js";
import { bearerHeader } from "../support/tokens.js";

const PEOPLE = ["non-member", "member", "admin", "owner", "removed member"] as const;
type Person = (typeof PEOPLE)[number];
type Caller = "anonymous" | Person | `${Person}'s token`;
const CALLERS: readonly Caller[] = ["anonymous", ...PEOPLE, ...PEOPLE.map((p) => `${p}'s token` as const)];

const TARGETS = ["personal", "use", "manage"] as const;
type Target = (typeof TARGETS)[number];

/**
 * What a caller gets: "ok" the route's success (with the key); "theirs" a 200 about the caller's
 * own keys, none of the target's; a refusal by status; for hand-outs, whose key comes back:
 * "team" the team key, "user" the owner's personal key, "env" the environment's, "none" nothing.
 */
type Outcome = "ok" | "theirs" | 401 | 403 | 404 | "team" | "user" | "env" | "none";

type RouteName =
  | "GET /api/api-keys?teamId"
  | "GET /api/api-keys/stats?teamId"
  | "GET /api/api-keys/:id"
  | "GET /api/api-keys/:id?includeValue=true"
  | "PUT /api/api-keys/:id"
  | "DELETE /api/api-keys/:id"
  | "POST /api/api-keys/test { keyId }"
  | "GET /api/api-keys/:id/versions"
  | "POST /api/api-keys/:id/rollback"
  | "POST /api/api-keys/:id/rotate"
  | "GET /api/resolve/:service"
  | "POST /api/resolve"
  | "library getServiceConfig";

/** One row of the table: the outcome per caller, in the order of the columns below. */
type Row = [anonymous: Outcome, nonMember: Outcome, member: Outcome, admin: Outcome, owner: Outcome, removed: Outcome];

/**
 * The table. Columns: anonymous, non-member, member, admin, owner, removed member. A person's
 * token (every key scope and resolve) gets what the person gets. For the personal target the
 * list and stats are the caller's own (no ?teamId); for hand-outs the environment has an OpenAI
 * key (the "use" key's service) and a Groq key (the personal key's), no Anthropic key (the
 * "manage" key's). The library has no anonymous caller: that column is a hand-out for no user.
 */
const EXPECTED: Readonly<Record<RouteName, Readonly<Record<Target, Row>>>> = {
  //                                           anon  non-member  member    admin    owner    removed
  "GET /api/api-keys?teamId": {
    personal: [401, "theirs", "theirs", "theirs", "ok", "theirs"],
    use: [401, 404, "ok", "ok", "ok", 404],
    manage: [401, 404, "ok", "ok", "ok", 404],
  },
  "GET /api/api-keys/stats?teamId": {
    personal: [401, "theirs", "theirs", "theirs", "ok", "theirs"],
    use: [401, 404, "ok", "ok", "ok", 404],
    manage: [401, 404, "ok", "ok", "ok", 404],
  },
  "GET /api/api-keys/:id": {
    personal: [401, 404, 404, 404, "ok", 404],
    use: [401, 404, "ok", "ok", "ok", 404],
    manage: [401, 404, "ok", "ok", "ok", 404],
  },
  "GET /api/api-keys/:id?includeValue=true": {
    personal: [401, 404, 404, 404, "ok", 404],
    use: [401, 404, 403, "ok", "ok", 404],
    manage: [401, 404, 403, "ok", "ok", 404],
  },
  "PUT /api/api-keys/:id": {
    personal: [401, 404, 404, 404, "ok", 404],
    use: [401, 404, 403, "ok", "ok", 404],
    manage: [401, 404, 403, "ok", "ok", 404],
  },
  "DELETE /api/api-keys/:id": {
    personal: [401, 404, 404, 404, "ok", 404],
    use: [401, 404, 403, "ok", "ok", 404],
    manage: [401, 404, 403, "ok", "ok", 404],
  },
  "POST /api/api-keys/test { keyId }": {
    personal: [401, 404, 404, 404, "ok", 404],
    use: [401, 404, 403, "ok", "ok", 404],
    manage: [401, 404, "ok", "ok", "ok", 404],
  },
  "GET /api/api-keys/:id/versions": {
    personal: [401, 404, 404, 404, "ok", 404],
    use: [401, 404, 403, "ok", "ok", 404],
    manage: [401, 404, "ok", "ok", "ok", 404],
  },
  "POST /api/api-keys/:id/rollback": {
    personal: [401, 404, 404, 404, "ok", 404],
    use: [401, 404, 403, "ok", "ok", 404],
    manage: [401, 404, 403, "ok", "ok", 404],
  },
  "POST /api/api-keys/:id/rotate": {
    personal: [401, 404, 404, 404, "ok", 404],
    use: [401, 404, 403, "ok", "ok", 404],
    manage: [401, 404, 403, "ok", "ok", 404],
  },
  "GET /api/resolve/:service": {
    personal: [401, "env", "env", "env", "user", "env"],
    use: [401, "env", "team", "team", "team", "env"],
    manage: [401, "none", "team", "team", "team", "none"],
  },
  "POST /api/resolve": {
    personal: [401, "env", "env", "env", "user", "env"],
    use: [401, "env", "team", "team", "team", "env"],
    manage: [401, "none", "team", "team", "team", "none"],
  },
  "library getServiceConfig": {
    personal: ["env", "env", "env", "env", "user", "env"],
    use: ["env", "env", "team", "team", "team", "env"],
    manage: ["none", "none", "team", "team", "team", "none"],
  },
};
const COLUMNS: readonly ("anonymous" | Person)[] = ["anonymous", ...PEOPLE];

const personOf = (caller: Caller): Person | undefined => (caller === "anonymous" ? undefined : (caller.replace(/'s token$/, "") as Person));
const isToken = (caller: Caller) => caller.endsWith("'s token");
function expectedFor(route: RouteName, target: Target, caller: Caller): Outcome {
  return EXPECTED[route][target][COLUMNS.indexOf(personOf(caller) ?? "anonymous")];
}

const SERVICE: Readonly<Record<Target, "groq" | "openai" | "anthropic">> = { personal: "groq", use: "openai", manage: "anthropic" };
const PREFIX: Readonly<Record<Target, string>> = { personal: "gsk_valid_", use: "sk-proj-valid-", manage: "sk-ant-valid-" };
const ENV = { GROQ_API_KEY: "gsk_env_fallback_0123456789abcdef", OPENAI_API_KEY: "sk-proj-env-fallback-0123456789abcdef" };
const ENV_VALUE: Readonly<Record<Target, string | undefined>> = { personal: ENV.GROQ_API_KEY, use: ENV.OPENAI_API_KEY, manage: undefined };
const SCOPES: readonly TokenScope[] = ["keys:read", "keys:write", "keys:reveal", "resolve"];

const TEAM_NOT_FOUND = { code: "NOT_FOUND", message: "Team not found" };
const SEE_OR_CHANGE = { code: "FORBIDDEN", message: "You can use this key; only the team's owners and admins can see or change it" };
const MEMBER_ROLE = { code: "FORBIDDEN", message: "Your role in this team (member) does not allow that" };
const NO_KEY = (service: string) => ({ code: "NOT_FOUND", message: `No ${service} key: the user has none usable and the server's environment has none` });

/** The key of one cell: two values (the second current), its mask per value, and who owns it. */
interface CellKey {
  id: string;
  name: string;
  owner: OwnerRef;
  service: "groq" | "openai" | "anthropic";
  target: Target;
  /** [first, current, the one a rotation sends]. */
  values: [string, string, string];
  masks: [string, string];
}

/** An answer: an HTTP response read once, or the library's result as if it were one. */
interface Answer {
  status: number;
  text: string;
  headers: string;
  body: any;
}

describeEachDatabase("authorization matrix: team keys", (dialect) => {
  let fake: FakeProvider;
  let h: HttpApp;
  let team: TestTeam;
  let ip = 0;
  let clockOffsetMs = 0;
  const people = {} as Record<Person, SignedUpUser>;
  const tokens = {} as Record<Person, string>;
  let key: CellKey;

  const secret = (target: Target) => `${PREFIX[target]}${randomBytes(16).toString("hex")}`;
  const ownerOf = (target: Target): OwnerRef => (target === "personal" ? { type: "user", id: people.owner.id } : { type: "team", id: team.id });
  const asOwner = () => userActor(people.owner.id);

  /** A key for the cell, made as the team's owner through the key service, with a second value. */
  async function cellKey(target: Target): Promise<CellKey> {
    const owner = ownerOf(target);
    const values: [string, string, string] = [secret(target), secret(target), secret(target)];
    const name = `${target} key ${randomBytes(4).toString("hex")}`;
    const service = SERVICE[target];
    const sharing = target === "personal" ? {} : { sharing: target };
    const created = await h.runtime.keys.create(asOwner(), owner, { name, service, value: values[0], ...sharing });
    const updated = await h.runtime.keys.update(asOwner(), owner, created.id, { value: values[1] });
    expect((await snapshot(created.id)).row?.version).toBe(2);
    return { id: created.id, name, owner, service, target, values, masks: [created.maskedValue, updated.maskedValue] };
  }

  /** The key's row and its history, as stored: what a refused request must leave as it was. */
  async function snapshot(id: string) {
    const db = h.runtime.database.db;
    const row = await db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
    const versions = await db.selectFrom("api_key_versions").selectAll().where("key_id", "=", id).orderBy("version").execute();
    return { row, versions };
  }

  const headersFor = (caller: Caller) => {
    const person = personOf(caller);
    if (person === undefined) return { opts: {} };
    // A token is sent as a script sends it: no cookie, no Origin.
    return isToken(caller) ? { opts: { origin: null, headers: bearerHeader(tokens[person]) } } : { opts: { cookie: people[person].cookie } };
  };

  async function http(caller: Caller, method: string, path: string, body?: unknown): Promise<Answer> {
    const res = await h.request(method, path, { ...headersFor(caller).opts, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, text, headers: JSON.stringify([...res.headers.entries()]), body: parsed };
  }

  const teamQuery = (k: CellKey) => (k.target === "personal" ? "" : `?teamId=${team.id}`);

  const send: Readonly<Record<RouteName, (caller: Caller, k: CellKey) => Promise<Answer>>> = {
    "GET /api/api-keys?teamId": (c, k) => http(c, "GET", `/api/api-keys${teamQuery(k)}`),
    "GET /api/api-keys/stats?teamId": (c, k) => http(c, "GET", `/api/api-keys/stats${teamQuery(k)}`),
    "GET /api/api-keys/:id": (c, k) => http(c, "GET", `/api/api-keys/${k.id}`),
    "GET /api/api-keys/:id?includeValue=true": (c, k) => http(c, "GET", `/api/api-keys/${k.id}?includeValue=true`),
    "PUT /api/api-keys/:id": (c, k) => http(c, "PUT", `/api/api-keys/${k.id}`, { description: "changed" }),
    "DELETE /api/api-keys/:id": (c, k) => http(c, "DELETE", `/api/api-keys/${k.id}`),
    "POST /api/api-keys/test { keyId }": (c, k) => http(c, "POST", "/api/api-keys/test", { keyId: k.id }),
    "GET /api/api-keys/:id/versions": (c, k) => http(c, "GET", `/api/api-keys/${k.id}/versions`),
    "POST /api/api-keys/:id/rollback": (c, k) => http(c, "POST", `/api/api-keys/${k.id}/rollback`, { version: 1 }),
    "POST /api/api-keys/:id/rotate": (c, k) => http(c, "POST", `/api/api-keys/${k.id}/rotate`, { value: k.values[2] }),
    "GET /api/resolve/:service": (c, k) => http(c, "GET", `/api/resolve/${k.service}`),
    "POST /api/resolve": (c, k) => http(c, "POST", "/api/resolve", { services: [k.service] }),
    "library getServiceConfig": async (c, k) => {
      const person = personOf(c);
      const found = await createApiKeyProvider({ resolver: h.runtime.resolver }).getServiceConfig(person ? people[person].id : "", k.service);
      return { status: found ? 200 : 404, text: JSON.stringify(found ?? null), headers: "", body: found };
    },
  };

  /** What an allowed request answers, and what it did to the key. */
  const succeeded: Readonly<Record<Exclude<RouteName, "GET /api/resolve/:service" | "POST /api/resolve" | "library getServiceConfig">, (a: Answer, k: CellKey) => Promise<void> | void>> = {
    "GET /api/api-keys?teamId": (a, k) => {
      expect(a.status, a.text).toBe(200);
      expect(a.body.apiKeys.map((x: { id: string }) => x.id)).toEqual([k.id]);
      expect(a.body.apiKeys[0]).toMatchObject(k.target === "personal" ? { maskedValue: k.masks[1] } : { teamId: team.id, sharing: k.target, maskedValue: k.masks[1] });
    },
    "GET /api/api-keys/stats?teamId": (a, k) => {
      expect(a.status, a.text).toBe(200);
      expect(a.body).toMatchObject({ total: 1, active: 1, byService: { [k.service]: { total: 1, active: 1 } } });
    },
    "GET /api/api-keys/:id": (a, k) => {
      expect(a.status, a.text).toBe(200);
      expect(a.body).toMatchObject({ id: k.id, name: k.name, maskedValue: k.masks[1] });
      if (k.target !== "personal") expect(a.body).toMatchObject({ teamId: team.id, sharing: k.target });
      expect(a.body).not.toHaveProperty("value");
    },
    "GET /api/api-keys/:id?includeValue=true": (a, k) => {
      expect(a.status, a.text).toBe(200);
      expect(a.body).toMatchObject({ id: k.id, value: k.values[1] });
    },
    "PUT /api/api-keys/:id": async (a, k) => {
      expect(a.status, a.text).toBe(200);
      expect(a.body).toMatchObject({ id: k.id, description: "changed" });
      expect((await snapshot(k.id)).row?.description).toBe("changed");
    },
    "DELETE /api/api-keys/:id": async (a, k) => {
      expect(a.status, a.text).toBe(204);
      expect(a.text).toBe("");
      expect((await snapshot(k.id)).row).toBeUndefined();
    },
    "POST /api/api-keys/test { keyId }": async (a, k) => {
      expect(a.status, a.text).toBe(200);
      expect(a.body).toMatchObject({ keyId: k.id, success: true, status: "valid" });
      expect((await snapshot(k.id)).row?.last_test_status).toBe("valid");
    },
    "GET /api/api-keys/:id/versions": (a) => {
      expect(a.status, a.text).toBe(200);
      expect(a.body.versions.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([
        [2, true],
        [1, false],
      ]);
    },
    "POST /api/api-keys/:id/rollback": async (a, k) => {
      expect(a.status, a.text).toBe(200);
      expect(a.body).toMatchObject({ id: k.id, maskedValue: k.masks[0] });
      expect((await snapshot(k.id)).row?.version).toBe(3);
      expect((await h.runtime.keys.reveal(asOwner(), k.owner, k.id)).value).toBe(k.values[0]);
    },
    "POST /api/api-keys/:id/rotate": async (a, k) => {
      expect(a.status, a.text).toBe(200);
      expect(a.body).toMatchObject({ id: k.id, lastTestStatus: "valid" });
      expect((await snapshot(k.id)).row?.version).toBe(3);
      expect((await h.runtime.keys.reveal(asOwner(), k.owner, k.id)).value).toBe(k.values[2]);
    },
  };

  /** A hand-out's answer, per route: the key's value and where it came from; "none" for nothing. */
  function expectHandOut(route: RouteName, a: Answer, outcome: "team" | "user" | "env" | "none", k: CellKey) {
    const expected =
      outcome === "team"
        ? { apiKey: k.values[1], source: "team", teamId: team.id, keyId: k.id }
        : outcome === "user"
          ? { apiKey: k.values[1], source: "user", keyId: k.id }
          : outcome === "env"
            ? { apiKey: ENV_VALUE[k.target], source: "env", keyId: null }
            : undefined;
    if (route === "library getServiceConfig") {
      // The library's answer carries no key id.
      if (expected === undefined) expect(a.body).toBeUndefined();
      else {
        const { keyId: _keyId, ...rest } = expected;
        expect(a.body).toMatchObject(rest);
        if (outcome !== "team") expect(a.body).not.toHaveProperty("teamId");
      }
      return;
    }
    if (route === "POST /api/resolve") {
      expect(a.status, a.text).toBe(200);
      const got = a.body.results[k.service];
      if (expected === undefined) expect(got).toBeNull();
      else expect(got).toMatchObject(expected);
      if (outcome !== "team") expect(got ?? {}).not.toHaveProperty("teamId");
      return;
    }
    if (expected === undefined) {
      expect(a.status, a.text).toBe(404);
      expect(a.body).toEqual({ error: NO_KEY(k.service) });
      return;
    }
    expect(a.status, a.text).toBe(200);
    expect(a.body).toMatchObject(expected);
    if (outcome !== "team") expect(a.body).not.toHaveProperty("teamId");
  }

  /** The refusal's exact answer: who it is refused to, and why in words. */
  function refusalBody(route: RouteName, status: 401 | 403 | 404) {
    if (status === 401) return UNAUTHORIZED;
    if (status === 403) return route === "GET /api/api-keys/:id?includeValue=true" || route === "PUT /api/api-keys/:id" ? SEE_OR_CHANGE : MEMBER_ROLE;
    return route === "GET /api/api-keys?teamId" || route === "GET /api/api-keys/stats?teamId" ? TEAM_NOT_FOUND : KEY_NOT_FOUND;
  }

  beforeAll(async () => {
    fake = await startFakeProvider();
    const urls = fakeBaseUrlOverrides(fake.url);
    h = await createHttpApp(dialect, {
      env: {
        ...ENV,
        KEYHAVEN_OPENAI_BASE_URL: urls.openai,
        KEYHAVEN_ANTHROPIC_BASE_URL: urls.anthropic,
        KEYHAVEN_GROQ_BASE_URL: urls.groq,
        KEYHAVEN_TRUST_PROXY: "true",
      },
      now: () => new Date(Date.now() + clockOffsetMs),
    });
    for (const person of PEOPLE) people[person] = await h.signUp(undefined, { headers: { "x-forwarded-for": `198.51.100.${++ip}` } });
    team = await createTeam(h, people.owner);
    await addMember(h, people.owner, team.id, people.admin, "admin");
    await addMember(h, people.owner, team.id, people.member, "member");
    const removedId = await addMember(h, people.owner, team.id, people["removed member"], "member");
    for (const person of PEOPLE) {
      const body = { name: `matrix ${person}`, scopes: SCOPES };
      tokens[person] = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: people[person].cookie, body }), 201)).token;
    }
    // The removed member's session and token worked for the team before the removal: their refusals are the removal's.
    for (const caller of ["removed member", "removed member's token"] as const) {
      expect((await http(caller, "GET", `/api/api-keys?teamId=${team.id}`)).status).toBe(200);
    }
    await jsonOf(await removeMember(h, people.owner, team.id, removedId), 200);
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  for (const target of TARGETS) {
    describe(`target: ${target === "personal" ? "the owner's personal key" : `a team key shared "${target}"`}`, () => {
      beforeEach(async () => {
        clockOffsetMs += 61_000;
        key = await cellKey(target);
      });
      afterEach(async () => {
        if ((await snapshot(key.id)).row) await h.runtime.keys.remove(asOwner(), key.owner, key.id);
      });

      for (const route of Object.keys(EXPECTED) as RouteName[]) {
        describe(route, () => {
          for (const caller of CALLERS) {
            // The library is the application's own call for a user id: no token is involved.
            if (route === "library getServiceConfig" && isToken(caller)) continue;
            const outcome = expectedFor(route, target, caller);
            it(`${caller}: ${outcome}`, async () => {
              const before = await snapshot(key.id);
              const answer = await send[route](caller, key);

              if (outcome === "team" || outcome === "user" || outcome === "env" || outcome === "none") expectHandOut(route, answer, outcome, key);
              else if (outcome === "theirs") {
                expect(answer.status, answer.text).toBe(200);
                if (route === "GET /api/api-keys?teamId") expect(answer.body).toEqual({ apiKeys: [], nextCursor: null });
                else expect(answer.body).toMatchObject({ total: 0, active: 0, totalUsage: 0, byService: {} });
              } else if (outcome === "ok") await succeeded[route as keyof typeof succeeded](answer, key);
              else {
                expect(answer.status, answer.text).toBe(outcome);
                expect(answer.body).toEqual({ error: refusalBody(route, outcome) });
              }

              // The value leaves only to whom it may: a reveal by an owner or admin, a hand-out of the key.
              const handsOutTheKey = outcome === "team" || outcome === "user";
              const revealed = outcome === "ok" && route === "GET /api/api-keys/:id?includeValue=true";
              const everything = answer.text + answer.headers;
              for (const [i, value] of key.values.entries()) {
                if (i === 1 && (handsOutTheKey || revealed)) continue;
                expect(everything).not.toContain(value);
                expect(everything).not.toContain(value.slice(PREFIX[target].length));
              }
              // Nothing of the key at all where it does not exist for the caller.
              if (outcome !== "ok" && !handsOutTheKey) {
                const seesMetadata = outcome === 403;
                if (!seesMetadata) for (const trace of [key.id, key.name, ...key.masks]) expect(everything).not.toContain(trace);
              }

              // A refused or read-only request changed nothing; an allowed change is checked above.
              const changes = outcome === "ok" && ["PUT", "DELETE", "POST"].includes(route.split(" ")[0]) && route !== "POST /api/resolve";
              if (!changes && !handsOutTheKey) {
                await h.runtime.usage.flush();
                expect(await snapshot(key.id)).toEqual(before);
              }
            });
          }
        });
      }
    });
  }

  it("covers every /api/api-keys and /api/resolve route the app registers, but creating", () => {
    const registered = inspectRoutes(h.app)
      .filter((r) => !r.isMiddleware && (r.path.startsWith("/api/api-keys") || r.path.startsWith("/api/resolve")))
      .map((r) => `${r.method} ${r.path}`);
    // "…?teamId", "…?includeValue=true" and "… { keyId }" name the route they cover. Creating a
    // team key (admins and owners only) is teams.http.test.ts's.
    // The key files (export, import) with teams: test/backup/personal-export.http.test.ts (admin exports, member 403, non-member 404).
    const covered = new Set([
      ...(Object.keys(EXPECTED) as RouteName[]).map((r) => r.split(/[ ?]/).slice(0, 2).join(" ")),
      "POST /api/api-keys",
      "POST /api/api-keys/export",
      "POST /api/api-keys/import",
    ]);
    expect(registered.length).toBeGreaterThan(0);
    expect(registered.filter((route) => !covered.has(route))).toEqual([]);
  });
});
