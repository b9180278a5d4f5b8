/**
 * What the rotation's system actor may do: read a key's value to sign the provider's calls
 * (`key.rotate`), nothing else — and that read is scoped by owner like every other, and is not
 * a reveal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_ACTOR, LIBRARY_ACTOR, ROTATION_ACTOR, type Actor } from "../../src/access/actor.js";
import type { OwnerRef } from "../../src/access/owner.js";
import { isAllowed, refusal, type Action } from "../../src/access/policy.js";
import type { Runtime } from "../../src/app/compose.js";
import { AppError } from "../../src/platform/errors.js";
import { actorFor } from "../support/actors.js";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.js";

const ACTIONS: Action[] = ["key.list", "key.read", "key.create", "key.update", "key.delete", "key.reveal", "key.test", "key.use", "key.reseal", "key.rotate"];
const alice: OwnerRef = { type: "user", id: "user_rot_alice" };
const bob: OwnerRef = { type: "user", id: "user_rot_bob" };
const VALUE = { accessKeyId: "AKIAROTATIONTEST0001", secretAccessKey: "r0tat10nS3cretAccessKeyForKeyhavenTests0" };

describe("the rotation actor in the policy", () => {
  it("may rotate (read to sign), nothing else", () => {
    for (const action of ACTIONS) expect({ action, allowed: isAllowed(ROTATION_ACTOR, action, { owner: alice }) }).toEqual({ action, allowed: action === "key.rotate" });
  });

  it("no other system actor may rotate; a token only with keys:write, and only its own user's keys", () => {
    expect(isAllowed(LIBRARY_ACTOR, "key.rotate", { owner: alice })).toBe(false);
    expect(isAllowed(CLI_ACTOR, "key.rotate", { owner: alice })).toBe(false);
    const token = (scopes: Extract<Actor, { type: "token" }>["scopes"], kind: "personal" | "service" = "personal"): Actor =>
      ({ type: "token", tokenId: "tok_r", name: "t", kind, userId: kind === "personal" ? alice.id : null, scopes });
    expect(refusal(token(["keys:write"]), "key.rotate", { owner: alice })).toBeUndefined();
    expect(refusal(token(["keys:write"]), "key.rotate", { owner: bob })).toBe("You are not allowed to do that");
    expect(refusal(token(["keys:read", "keys:reveal", "resolve", "audit:read"]), "key.rotate", { owner: alice })).toBe("This token lacks the keys:write scope");
    expect(isAllowed(token(["keys:write"], "service"), "key.rotate", { owner: alice })).toBe(false);
  });
});

describeEachDatabase("openForRotation", (dialect) => {
  let tdb: TestDatabase;
  let rt: Runtime;
  let keyId: string;

  beforeAll(async () => {
    tdb = createTestDatabase(dialect);
    rt = await tdb.runtime();
    keyId = (await rt.keys.create(actorFor(alice), alice, { name: "aws", service: "aws", value: VALUE })).id;
  });
  afterAll(() => tdb.drop());

  it("opens the owner's key for the rotation actor, without recording a reveal", async () => {
    const key = await rt.keys.openForRotation(ROTATION_ACTOR, alice, keyId);
    expect(key.value).toEqual(VALUE);
    const events = await rt.database.db.selectFrom("audit_events").select("action").where("target_id", "=", keyId).execute();
    expect(events.map((e) => e.action)).toEqual(["key.create"]);
  });

  it("is scoped by owner: another owner's id is not found", async () => {
    await expect(rt.keys.openForRotation(ROTATION_ACTOR, bob, keyId)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses any other actor before reading", async () => {
    // Alice herself and her token with keys:write may rotate, but never open the value.
    const writeToken: Actor = { type: "token", tokenId: "tok_w", name: "w", kind: "personal", userId: alice.id, scopes: ["keys:write"] };
    for (const actor of [LIBRARY_ACTOR, CLI_ACTOR, actorFor(bob), actorFor(alice), writeToken]) {
      const err: unknown = await rt.keys.openForRotation(actor, alice, keyId).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("FORBIDDEN");
    }
  });
});
