/**
 * The one policy: every action of the key service against who may do it. Then the same rules
 * through the real key service on both databases — a refused call changes and reveals nothing,
 * and the owner scoping of the store still holds behind it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_ACTOR, LIBRARY_ACTOR, ROTATION_ACTOR, userActor, type Actor } from "../../src/access/actor.js";
import type { OwnerRef } from "../../src/access/owner.js";
import { authorize, isAllowed, refusal, refusalOf, type Action, type Resource } from "../../src/access/policy.js";
import type { Sharing, TeamRole } from "../../src/shared/team-roles.js";
import type { Runtime } from "../../src/app/compose.js";
import { AppError } from "../../src/platform/errors.js";
import { createKeyTester } from "../../src/key-test/key-tester.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";

const ACTIONS: Action[] = ["key.list", "key.read", "key.create", "key.update", "key.delete", "key.reveal", "key.test", "key.use", "key.reseal"];
const alice: OwnerRef = { type: "user", id: "user_alice" };
const bob: OwnerRef = { type: "user", id: "user_bob" };
const aliceTeam: OwnerRef = { type: "team", id: "user_alice" };
const OPENAI = "sk-proj-Abc_def-1234567890abcdefghijXYZ9";

describe("authorize(actor, action, resource)", () => {
  it("a user, on a team whose id equals theirs but that they are not in: nothing, and it answers 404", () => {
    for (const action of ACTIONS) {
      expect(isAllowed(userActor(alice.id), action, { owner: aliceTeam })).toBe(false);
      expect(() => authorize(userActor(alice.id), action, { owner: aliceTeam, teamRole: null })).toThrow(
        expect.objectContaining({ code: "NOT_FOUND", status: 404 }) as AppError,
      );
    }
  });

  const expected: Array<[string, Actor, OwnerRef, (a: Action) => boolean]> = [
    ["a user, on their own keys: everything", userActor(alice.id), alice, () => true],
    ["a user, on another user's keys: nothing", userActor(alice.id), bob, () => false],
    ["the library: hand-out only", LIBRARY_ACTOR, alice, (a) => a === "key.use"],
    ["the CLI: re-seal only", CLI_ACTOR, bob, (a) => a === "key.reseal"],
  ];
  for (const [title, actor, owner, allowed] of expected) {
    it(title, () => {
      for (const action of ACTIONS) {
        expect({ action, allowed: isAllowed(actor, action, { owner }) }).toEqual({ action, allowed: allowed(action) });
        if (allowed(action)) expect(() => authorize(actor, action, { owner })).not.toThrow();
        else expect(() => authorize(actor, action, { owner })).toThrow(expect.objectContaining({ code: "FORBIDDEN", status: 403 }) as AppError);
      }
    });
  }

  it("a personal token: its user's keys, only within its scopes; the refusal names the scope", () => {
    const token: Actor = { type: "token", tokenId: "tok_1", name: "ci", kind: "personal", userId: alice.id, scopes: ["keys:read", "resolve"] };
    const allowed = new Set<Action>(["key.list", "key.read", "key.use"]);
    for (const action of ACTIONS) expect({ action, allowed: isAllowed(token, action, { owner: alice }) }).toEqual({ action, allowed: allowed.has(action) });
    for (const action of ACTIONS) expect(isAllowed(token, action, { owner: bob })).toBe(false);
    expect(refusal(token, "key.create", { owner: alice })).toBe("This token lacks the keys:write scope");
    expect(refusal(token, "key.reveal", { owner: alice })).toBe("This token lacks the keys:reveal scope");
    expect(refusal(token, "key.reseal", { owner: alice })).toBe("Access tokens cannot do that; sign in");
    expect(refusal(token, "token.manage", { owner: alice })).toBe("Access tokens cannot do that; sign in");
  });

  it("a service token with resolve: hand-outs for any user, nothing else", () => {
    const service: Actor = { type: "token", tokenId: "tok_2", name: "app", kind: "service", userId: null, scopes: ["keys:read", "keys:write", "keys:reveal", "resolve"] };
    for (const action of ACTIONS) {
      expect({ action, alice: isAllowed(service, action, { owner: alice }), bob: isAllowed(service, action, { owner: bob }) }).toEqual({
        action,
        alice: action === "key.use",
        bob: action === "key.use",
      });
    }
    expect(isAllowed(service, "key.use", { owner: aliceTeam })).toBe(false);
    const withoutResolve: Actor = { ...service, scopes: ["keys:read"] };
    expect(refusal(withoutResolve, "key.use", { owner: alice })).toBe("This token lacks the resolve scope");
  });

  it("admin actions: a signed-in admin only; never another user, a token (even a service one) or the system", () => {
    const instance = { admins: new Set([alice.id]) };
    for (const action of ["admin.users", "admin.tokens"] as const) {
      expect(isAllowed(userActor(alice.id), action, instance)).toBe(true);
      expect(refusal(userActor(bob.id), action, instance)).toBe("Only an instance admin may do that");
      const aliceToken: Actor = { type: "token", tokenId: "tok_3", name: "all", kind: "personal", userId: alice.id, scopes: ["keys:read", "keys:write", "keys:reveal", "resolve", "audit:read"] };
      expect(refusal(aliceToken, action, instance)).toBe("Access tokens cannot do that; sign in");
      expect(refusal({ ...aliceToken, kind: "service", userId: null }, action, instance)).toBe("Access tokens cannot do that; sign in");
      expect(isAllowed(CLI_ACTOR, action, instance)).toBe(false);
      expect(isAllowed(LIBRARY_ACTOR, action, instance)).toBe(false);
      // No admins at all (an empty instance): nobody.
      expect(isAllowed(userActor(alice.id), action, { admins: new Set<string>() })).toBe(false);
    }
  });

  it("an unknown system actor may do nothing", () => {
    const stranger = { type: "system", name: "stranger" } as unknown as Actor;
    for (const action of ACTIONS) expect(isAllowed(stranger, action, { owner: alice })).toBe(false);
  });
});

describe("team resources", () => {
  const team: OwnerRef = { type: "team", id: "team_physics" };
  const KEY_ACTIONS = [
    "key.list",
    "key.read",
    "key.use",
    "key.create",
    "key.update",
    "key.delete",
    "key.reveal",
    "key.rotate",
    "key.rollback",
    "key.test",
    "key.versions",
  ] as const satisfies readonly Action[];
  const TEAM_ACTIONS = ["team.rename", "team.delete", "team.invite", "team.members", "team.usage_all"] as const satisfies readonly Action[];
  type TeamActionHere = (typeof KEY_ACTIONS)[number] | (typeof TEAM_ACTIONS)[number];

  /**
   * Written out by hand, not read from shared/team-roles.ts: a wrong entry there fails here.
   * Per role, per sharing: what is allowed. Members read and use; under "manage" they also
   * test and see the history; never reveal or change. Admins all but deleting the team.
   */
  const ALLOWED: Readonly<Record<TeamRole, Readonly<Record<Sharing, readonly TeamActionHere[]>>>> = {
    owner: {
      use: [...KEY_ACTIONS, ...TEAM_ACTIONS],
      manage: [...KEY_ACTIONS, ...TEAM_ACTIONS],
    },
    admin: {
      use: [...KEY_ACTIONS, "team.rename", "team.invite", "team.members", "team.usage_all"],
      manage: [...KEY_ACTIONS, "team.rename", "team.invite", "team.members", "team.usage_all"],
    },
    member: {
      use: ["key.list", "key.read", "key.use"],
      manage: ["key.list", "key.read", "key.use", "key.test", "key.versions"],
    },
  };
  const SEE_OR_CHANGE = "You can use this key; only the team's owners and admins can see or change it";

  for (const role of ["owner", "admin", "member"] as const) {
    for (const sharing of ["use", "manage"] as const) {
      it(`${role}, on a key shared "${sharing}": as the table says, and a refusal is a 403 saying why`, () => {
        const resource: Resource = { owner: team, keyId: "key_1", teamRole: role, sharing };
        for (const action of [...KEY_ACTIONS, ...TEAM_ACTIONS]) {
          const allowed = ALLOWED[role][sharing].includes(action);
          expect({ action, allowed: isAllowed(userActor(alice.id), action, resource) }).toEqual({ action, allowed });
          if (allowed) continue;
          const why = refusalOf(userActor(alice.id), action, resource);
          const message = action === "key.reveal" || action === "key.update" ? SEE_OR_CHANGE : `Your role in this team (${role}) does not allow that`;
          expect({ action, why }).toEqual({ action, why: { code: "FORBIDDEN", message } });
        }
      });
    }
  }

  it("a key whose sharing is not known is treated as use-only (a member may not test it)", () => {
    expect(isAllowed(userActor(alice.id), "key.test", { owner: team, keyId: "key_1", teamRole: "member" })).toBe(false);
    expect(isAllowed(userActor(alice.id), "key.versions", { owner: team, keyId: "key_1", teamRole: "member", sharing: null })).toBe(false);
    expect(isAllowed(userActor(alice.id), "key.test", { owner: team, keyId: "key_1", teamRole: "member", sharing: "manage" })).toBe(true);
  });

  it("a non-member: NOT_FOUND for everything, as a key (or team) that does not exist", () => {
    for (const action of [...KEY_ACTIONS, ...TEAM_ACTIONS, "key.reseal", "audit.read"] as const) {
      for (const teamRole of [null, undefined]) {
        expect(refusalOf(userActor(alice.id), action, { owner: team, keyId: "key_1", teamRole, sharing: "manage" })).toEqual({ code: "NOT_FOUND", message: "API key not found" });
        expect(refusalOf(userActor(alice.id), action, { owner: team, teamRole })).toEqual({ code: "NOT_FOUND", message: "Team not found" });
      }
    }
  });

  it("what no role may do to a team's keys is refused to members of every role", () => {
    for (const role of ["owner", "admin", "member"] as const) {
      for (const action of ["key.reseal", "audit.read", "token.manage"] as const) {
        expect(refusalOf(userActor(alice.id), action, { owner: team, teamRole: role })).toEqual({ code: "FORBIDDEN", message: "That is not something a team's keys can do" });
      }
    }
  });

  it("a personal token: its user's role, within its scopes; a missing scope is named first", () => {
    const all: Actor = { type: "token", tokenId: "tok_t", name: "ci", kind: "personal", userId: alice.id, scopes: ["keys:read", "keys:write", "keys:reveal", "resolve", "audit:read"] };
    for (const role of ["owner", "admin", "member"] as const) {
      for (const sharing of ["use", "manage"] as const) {
        for (const action of KEY_ACTIONS) {
          const resource: Resource = { owner: team, keyId: "key_1", teamRole: role, sharing };
          expect({ role, sharing, action, allowed: isAllowed(all, action, resource) }).toEqual({ role, sharing, action, allowed: ALLOWED[role][sharing].includes(action) });
        }
      }
    }
    expect(refusalOf(all, "key.read", { owner: team, keyId: "key_1", teamRole: null })).toEqual({ code: "NOT_FOUND", message: "API key not found" });
    const readOnly: Actor = { ...all, scopes: ["keys:read"] };
    expect(refusalOf(readOnly, "key.reveal", { owner: team, keyId: "key_1", teamRole: "owner", sharing: "manage" })).toEqual({ code: "FORBIDDEN", message: "This token lacks the keys:reveal scope" });
    expect(refusalOf(readOnly, "key.read", { owner: team, keyId: "key_1", teamRole: "member", sharing: "use" })).toBeUndefined();
    // Team business that is not about keys' use by others stays a signed-in person's.
    expect(refusalOf(all, "team.rename", { owner: team, teamRole: "owner" })).toEqual({ code: "FORBIDDEN", message: "Access tokens cannot do that; sign in" });
    expect(refusalOf(all, "team.usage_all", { owner: team, teamRole: "admin" })).toBeUndefined();
  });

  it("a service token: nothing on a team's resources, whatever role it is said to have", () => {
    const service: Actor = { type: "token", tokenId: "tok_s", name: "app", kind: "service", userId: null, scopes: ["keys:read", "keys:write", "keys:reveal", "resolve", "audit:read"] };
    for (const action of [...KEY_ACTIONS, "team.usage_all"] as const) {
      for (const teamRole of ["owner", null] as const) {
        expect(refusalOf(service, action, { owner: team, keyId: "key_1", teamRole, sharing: "manage" })).toEqual({ code: "FORBIDDEN", message: "You are not allowed to do that" });
      }
    }
  });

  it("the system on a team's keys: rotation rotates, the library hands out, the CLI re-seals; nothing else", () => {
    const cases: Array<[Actor, Action]> = [
      [ROTATION_ACTOR, "key.rotate"],
      [LIBRARY_ACTOR, "key.use"],
      [CLI_ACTOR, "key.reseal"],
    ];
    for (const [actor, only] of cases) {
      for (const action of [...KEY_ACTIONS, "key.reseal"] as const) {
        expect({ actor, action, allowed: isAllowed(actor, action, { owner: team, keyId: "key_1", teamRole: null, sharing: "use" }) }).toEqual({
          actor,
          action,
          allowed: action === only,
        });
      }
    }
  });
});

describeEachDatabase("the key service asks the policy first", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  let keyId: string;
  const asAlice = userActor(alice.id);
  const asBob = userActor(bob.id);

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime();
    keyId = (await rt.keys.create(asAlice, alice, { name: "mine", service: "openai", value: OPENAI })).id;
  });
  afterAll(() => tdb.drop());

  const forbidden = async (p: Promise<unknown>) => {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("FORBIDDEN");
    expect(String((err as Error).message)).not.toContain(OPENAI);
  };

  it("bob naming alice as the owner is refused for every call, and nothing changes", async () => {
    const before = await rt.database.db.selectFrom("api_keys").selectAll().where("id", "=", keyId).executeTakeFirstOrThrow();
    await forbidden(rt.keys.list(asBob, alice));
    await forbidden(rt.keys.get(asBob, alice, keyId));
    await forbidden(rt.keys.reveal(asBob, alice, keyId));
    await forbidden(rt.keys.create(asBob, alice, { name: "planted", service: "openai", value: OPENAI }));
    await forbidden(rt.keys.update(asBob, alice, keyId, { isActive: false }));
    await forbidden(rt.keys.remove(asBob, alice, keyId));
    await forbidden(rt.keys.test(asBob, alice, keyId, createKeyTester({ timeoutMs: 100 })));
    await forbidden(rt.keys.findUsableKey(asBob, alice, "openai"));
    await forbidden(rt.stats(asBob, alice));
    const after = await rt.database.db.selectFrom("api_keys").selectAll().where("id", "=", keyId).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    expect((await rt.keys.list(asAlice, alice)).apiKeys.map((k) => k.name)).toEqual(["mine"]);
  });

  it("the library may hand a key out but not reveal, change or delete it", async () => {
    expect(await rt.keys.findUsableKey(LIBRARY_ACTOR, alice, "openai")).toMatchObject({ id: keyId, value: OPENAI });
    await forbidden(rt.keys.reveal(LIBRARY_ACTOR, alice, keyId));
    await forbidden(rt.keys.update(LIBRARY_ACTOR, alice, keyId, { name: "x" }));
    await forbidden(rt.keys.remove(LIBRARY_ACTOR, alice, keyId));
  });

  it("behind the policy, the store is still scoped: bob acting as himself does not find alice's key", async () => {
    await expect(rt.keys.get(asBob, bob, keyId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(rt.keys.reveal(asBob, bob, keyId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(rt.keys.remove(asBob, bob, keyId)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a reveal is recorded in the audit log with its actor (ids only)", async () => {
    await rt.keys.reveal(asAlice, alice, keyId);
    const rows = await rt.database.db.selectFrom("audit_events").selectAll().where("action", "=", "key.reveal").where("target_id", "=", keyId).execute();
    expect(rows.at(-1)).toMatchObject({ actor_type: "user", actor_id: alice.id, user_id: alice.id });
    expect(JSON.stringify(rows)).not.toContain(OPENAI);
  });
});
