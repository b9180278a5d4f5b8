/** Fuzz PUT /api/api-keys/:id: malformed bodies on real keys, and bad ids. */
import { it } from "vitest";
import { describeEachDatabase } from "../../support/databases.js";
import { fuzzCount, fuzzSeed, idSegment, jsonBodyParts, UPDATE_BODY } from "./generate.js";
import { expectClean, expectStillServing, runFuzz, useFuzzTarget, type FuzzRoute } from "./harness.js";

const route: FuzzRoute = {
  name: "PUT /api/api-keys/:id",
  generate(rng, ctx) {
    // Mostly the user's own keys, so the body is what gets judged.
    const id = rng.chance(0.8) ? { segment: rng.pick(ctx.user.keyIds), kind: "own id" } : idSegment(rng, ctx.user.keyIds, ctx.foreign);
    const parts = jsonBodyParts(rng, UPDATE_BODY);
    return { method: "PUT", path: `/api/api-keys/${id.segment}`, ...parts, kind: `${id.kind}; ${parts.kind}` };
  },
};

describeEachDatabase("fuzz PUT /api/api-keys/:id", (dialect) => {
  const target = useFuzzTarget(dialect);
  it("malformed updates: no 5xx, every error in our shape and small; still serving", { timeout: 180_000 }, async () => {
    const report = await runFuzz(target.get(), route, { seed: fuzzSeed(), count: fuzzCount() });
    expectClean(report, { min400Share: 0.5 });
    await expectStillServing(target.get());
  });
});
