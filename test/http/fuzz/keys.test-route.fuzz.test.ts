/** Fuzz POST /api/api-keys/test: malformed saved-key ({ keyId }) and unsaved-key bodies. */
import { it } from "vitest";
import { describeEachDatabase } from "../../support/databases.js";
import { fuzzCount, fuzzSeed, jsonBodyParts, str, TEST_UNSAVED_BODY, type BodySpec } from "./generate.js";
import { expectClean, expectStillServing, runFuzz, useFuzzTarget, type FuzzRoute } from "./harness.js";

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

describeEachDatabase("fuzz POST /api/api-keys/test", (dialect) => {
  const target = useFuzzTarget(dialect);
  it("malformed key tests: no 5xx, every error in our shape and small; still serving", { timeout: 180_000 }, async () => {
    const report = await runFuzz(target.get(), route, { seed: fuzzSeed(), count: fuzzCount() });
    expectClean(report, { min400Share: 0.5 });
    await expectStillServing(target.get());
  });
});
