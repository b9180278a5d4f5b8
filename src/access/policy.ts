/**
 * The one place that decides whether an actor may do something to a resource. Domains call
 * `authorize` before they touch storage; the owner scoping of every store query stays as the
 * second wall (a bug here still cannot reach another owner's rows through a scoped query).
 */
import { AppError } from "../platform/errors.js";
import type { Actor } from "./actor.js";
import type { OwnerRef } from "./owner.js";

export type Action =
  | "key.list"
  | "key.read"
  | "key.create"
  | "key.update"
  | "key.delete"
  /** Read a key's plaintext value (the web app's reveal). */
  | "key.reveal"
  /** Send a key to its provider to see whether it works (decrypts it, never returns it). */
  | "key.test"
  /** Hand a key out to the application calling the provider (the library's getApiKey). */
  | "key.use"
  /** Re-seal a stored secret in the current format (maintenance; the value never leaves). */
  | "key.reseal";

export interface Resource {
  owner: OwnerRef;
  keyId?: string;
}

/** What the system may do: hand out and maintain, never read a value out or change a key. */
const SYSTEM_ACTIONS: Readonly<Record<string, ReadonlySet<Action>>> = {
  library: new Set<Action>(["key.use"]),
  cli: new Set<Action>(["key.reseal"]),
};

export function isAllowed(actor: Actor, action: Action, resource: Resource): boolean {
  switch (actor.type) {
    case "user":
      // A user acts on what they own. Team-owned keys arrive with teams (roles decide there).
      return resource.owner.type === "user" && resource.owner.id === actor.userId;
    case "system":
      return SYSTEM_ACTIONS[actor.name]?.has(action) ?? false;
  }
}

/** Throws FORBIDDEN unless the actor may do `action` to `resource`. */
export function authorize(actor: Actor, action: Action, resource: Resource): void {
  if (!isAllowed(actor, action, resource)) {
    throw new AppError("FORBIDDEN", "You are not allowed to do that");
  }
}
