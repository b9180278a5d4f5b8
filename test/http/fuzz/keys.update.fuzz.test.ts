/** Fuzz PUT /api/api-keys/:id: malformed bodies on real keys, and bad ids. */
import { idSegment, jsonBodyParts, UPDATE_BODY } from "./generate.js";
import { fuzzKeyRoute, type FuzzRoute } from "./harness.js";

const route: FuzzRoute = {
  name: "PUT /api/api-keys/:id",
  generate(rng, ctx) {
    // Mostly the user's own keys, so the body is what gets judged.
    const id = rng.chance(0.8) ? { segment: rng.pick(ctx.user.keyIds), kind: "own id" } : idSegment(rng, ctx.user.keyIds, ctx.foreign);
    const parts = jsonBodyParts(rng, UPDATE_BODY);
    return { method: "PUT", path: `/api/api-keys/${id.segment}`, ...parts, kind: `${id.kind}; ${parts.kind}` };
  },
};

fuzzKeyRoute(route, "malformed updates", { min400Share: 0.5 });
