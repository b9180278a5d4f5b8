/** Fuzz POST /api/api-keys: malformed bodies on both databases → no 5xx, our error shape, still serving. */
import { CREATE_BODY, jsonBodyParts, queryString } from "./generate.js";
import { fuzzKeyRoute, type FuzzRoute } from "./harness.js";

const route: FuzzRoute = {
  name: "POST /api/api-keys",
  generate(rng) {
    const parts = jsonBodyParts(rng, CREATE_BODY);
    const path = rng.chance(0.93) ? "/api/api-keys" : rng.pick(["/api/api-keys/", "/api/api-keys" + queryString(rng, ["service", "name"])]);
    return { method: "POST", path, ...parts };
  },
};

fuzzKeyRoute(route, "malformed creates", { min400Share: 0.5 });
