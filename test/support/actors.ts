/**
 * The actor a test acts as when it calls the key service for an owner directly: the owner's
 * own user (the only actor the policy lets act on a user's keys today).
 */
import { userActor, type Actor } from "../../src/access/actor.js";
import type { OwnerRef } from "../../src/access/owner.js";

export function actorFor(owner: OwnerRef | { id: string }): Actor {
  return userActor(owner.id);
}
