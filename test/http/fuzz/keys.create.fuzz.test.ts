/** Fuzz POST /api/api-keys: malformed bodies on both databases → no 5xx, our error shape, still serving. */
import { it } from "vitest";
import { describeEachDatabase } from "../../support/databases.js";
import { CREATE_BODY, fuzzCount, fuzzSeed, jsonBodyParts, queryString } from "./generate.js";
import { expectClean, expectStillServing, runFuzz, useFuzzTarget, type FuzzRoute } from "./harness.js";

const route: FuzzRoute = {
  name: "POST /api/api-keys",
  generate(rng) {
    const parts = jsonBodyParts(rng, CREATE_BODY);
    const path = rng.chance(0.93) ? "/api/api-keys" : rng.pick(["/api/api-keys/", "/api/api-keys" + queryString(rng, ["service", "name"])]);
    return { method: "POST", path, ...parts };
  },
};

describeEachDatabase("fuzz POST /api/api-keys", (dialect) => {
  const target = useFuzzTarget(dialect);
  it("malformed creates: no 5xx, every error in our shape and small; still serving", { timeout: 180_000 }, async () => {
    const report = await runFuzz(target.get(), route, { seed: fuzzSeed(), count: fuzzCount() });
    expectClean(report, { min400Share: 0.5 });
    await expectStillServing(target.get());
  });
});
