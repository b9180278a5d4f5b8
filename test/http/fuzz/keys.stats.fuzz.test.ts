/** Fuzz GET /api/api-keys/stats: odd spellings of the path, junk query strings, bodies on a GET. */
import { BAD_ESCAPES, queryString, randomJsonText } from "./generate.js";
import { fuzzKeyRoute, type FuzzRoute } from "./harness.js";

const route: FuzzRoute = {
  name: "GET /api/api-keys/stats",
  generate(rng) {
    const tail = rng.chance(0.7)
      ? ""
      : rng.pick(["/", "//", "%2f", "/..", "/.", ";x", ".json", "/x", "%00", "\u00ff", rng.pick(BAD_ESCAPES), "/" + rng.pick(BAD_ESCAPES)]);
    const stats = rng.chance(0.9) ? "stats" : rng.pick(["STATS", "%73tats", "stat%73", "stats%20", "st%00ats"]);
    const query = queryString(rng, ["days", "service", "from", "to"]);
    const body = rng.chance(0.05) ? Buffer.from(randomJsonText(rng)) : undefined;
    return { method: "GET", path: `/api/api-keys/${stats}${tail}${query}`, body, headers: body ? { "content-type": "application/json" } : {}, kind: `tail ${JSON.stringify(tail)}` };
  },
};

fuzzKeyRoute(route, "odd stats requests");
