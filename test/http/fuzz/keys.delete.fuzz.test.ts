/** Fuzz DELETE /api/api-keys/:id: bad ids (escapes, NUL, long, other users'), with and without bodies. */
import { idSegment, queryString, randomJsonText } from "./generate.js";
import { fuzzKeyRoute, type FuzzRoute } from "./harness.js";

const route: FuzzRoute = {
  name: "DELETE /api/api-keys/:id",
  generate(rng, ctx) {
    const id = idSegment(rng, ctx.user.keyIds, ctx.foreign);
    const query = rng.chance(0.1) ? queryString(rng, ["force", "id"]) : "";
    const body = rng.chance(0.1) ? Buffer.from(randomJsonText(rng)) : undefined;
    return { method: "DELETE", path: `/api/api-keys/${id.segment}${query}`, body, headers: body ? { "content-type": "application/json" } : {}, kind: id.kind };
  },
};

fuzzKeyRoute(route, "malformed deletes");
