/**
 * Hand-outs over HTTP (`/api/resolve`): the library's resolution (key-resolver.ts) for a caller
 * that is not the application itself. Whose keys: a personal token's (or session's) own user —
 * naming another is refused —; a service token must name the user, as the library does.
 */
import type { Actor } from "../access/actor.js";
import { AppError } from "../platform/errors.js";
import type { ServiceId } from "../services/index.js";
import { checkService, type KeyResolver, type ResolvedKey } from "./key-resolver.js";

/** The user `actor` resolves for, given the `userId` the request named (if any). */
function userFor(actor: Actor, named: string | undefined): string {
  const own = actor.type === "user" ? actor.userId : actor.type === "token" ? actor.userId : null;
  if (own !== null) {
    if (named !== undefined && named !== own) throw new AppError("FORBIDDEN", "A personal token resolves its own user's keys only; leave userId out");
    return own;
  }
  if (named === undefined) throw new AppError("VALIDATION_ERROR", "A service token must name the user: userId is required");
  return named;
}

export function createResolveService(deps: { resolver: KeyResolver }) {
  const { resolver } = deps;

  return {
    /** The key for one service, or NOT_FOUND when neither a key nor the environment has one. */
    async one(actor: Actor, userId: string | undefined, service: string): Promise<ResolvedKey> {
      const id = checkService(service);
      const found = await resolver.resolve(actor, userFor(actor, userId), id);
      if (!found) throw new AppError("NOT_FOUND", `No ${id} key: the user has none usable and the server's environment has none`);
      const answer = await resolver.answer(found);
      resolver.handOut(found); // counted only once the answer is complete
      return answer;
    },

    /** Several services at once: null for each with no key. Nothing is counted unless every answer is complete. */
    async many(actor: Actor, userId: string | undefined, services: readonly ServiceId[]): Promise<Record<string, ResolvedKey | null>> {
      const user = userFor(actor, userId);
      const unique = [...new Set(services.map(checkService))];
      const found = await Promise.all(unique.map((s) => resolver.resolve(actor, user, s)));
      const answers = await Promise.all(found.map((f) => (f ? resolver.answer(f) : Promise.resolve(null))));
      for (const f of found) if (f) resolver.handOut(f);
      return Object.fromEntries(unique.map((s, i) => [s, answers[i]]));
    },
  };
}

export type ResolveService = ReturnType<typeof createResolveService>;
