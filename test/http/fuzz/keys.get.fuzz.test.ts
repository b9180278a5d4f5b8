/** Fuzz GET /api/api-keys/:id: bad ids (escapes, NUL, long, other users') and includeValue values. */
import { idSegment, queryString } from "./generate.js";
import { fuzzKeyRoute, type FuzzRoute } from "./harness.js";

const route: FuzzRoute = {
  name: "GET /api/api-keys/:id",
  generate(rng, ctx) {
    const id = idSegment(rng, ctx.user.keyIds, ctx.foreign);
    const query = queryString(rng, ["includeValue"], { includeValue: ["true", "false"] });
    return { method: "GET", path: `/api/api-keys/${id.segment}${query}`, kind: `${id.kind}, query ${query.slice(0, 40)}` };
  },
};

fuzzKeyRoute(route, "malformed ids and queries");
