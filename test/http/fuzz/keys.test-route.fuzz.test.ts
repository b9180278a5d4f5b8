/** Fuzz POST /api/api-keys/test: malformed saved-key ({ keyId }) and unsaved-key bodies. */
import { jsonBodyParts, str, TEST_UNSAVED_BODY, type BodySpec } from "./generate.js";
import { fuzzKeyRoute, type FuzzRoute } from "./harness.js";

const BAD_KEY_IDS = ["", "key_", "key_\u0000", "\u0000", "key_AAAAAAAAAAAAAAAAAAA\u0000", "k".repeat(10_000), "key_\ud800", "../stats"].map(str);

const route: FuzzRoute = {
  name: "POST /api/api-keys/test",
  generate(rng, ctx) {
    const saved: BodySpec = {
      keyId: { required: true, good: [...ctx.user.keyIds, ...ctx.foreign.slice(0, 2)].map(str), bad: [...BAD_KEY_IDS, "1", "null", "[]", '{"id":"x"}'] },
    };
    const parts = jsonBodyParts(rng, rng.chance(0.4) ? saved : TEST_UNSAVED_BODY);
    return { method: "POST", path: "/api/api-keys/test", ...parts };
  },
};

fuzzKeyRoute(route, "malformed key tests", { min400Share: 0.5 });
