/** Fuzz GET /api/api-keys: bad query strings (service, limit, cursor, junk) on both databases. */
import { queryString, randomJsonText, SERVICES } from "./generate.js";
import { fuzzKeyRoute, type FuzzRoute } from "./harness.js";

const GOOD = {
  service: SERVICES,
  limit: ["1", "2", "10", "50", "100", "101", "1000"],
  cursor: ["", "eyJpZCI6ImtleV8xIn0", "key_AAAAAAAAAAAAAAAAAAAA", "bnVsbA", Buffer.from('{"id":"\\u0000"}').toString("base64url")],
};

const route: FuzzRoute = {
  name: "GET /api/api-keys",
  generate(rng) {
    const query = queryString(rng, ["service", "limit", "cursor"], GOOD);
    const base = rng.chance(0.95) ? "/api/api-keys" : rng.pick(["/api/api-keys/", "/api/api-keys//", "/api/API-KEYS", "/api/api-keys%2f", "/api//api-keys"]);
    // A body on a GET is ignored, but must not matter either.
    const body = rng.chance(0.05) ? Buffer.from(randomJsonText(rng)) : undefined;
    return { method: "GET", path: base + query, body, headers: body ? { "content-type": "application/json" } : {}, kind: `query ${query.slice(0, 40)}` };
  },
};

fuzzKeyRoute(route, "malformed list queries");
