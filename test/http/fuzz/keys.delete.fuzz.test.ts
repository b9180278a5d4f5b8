/** Fuzz DELETE /api/api-keys/:id: bad ids (escapes, NUL, long, other users'), with and without bodies. */
import { it } from "vitest";
import { describeEachDatabase } from "../../support/databases.js";
import { fuzzCount, fuzzSeed, idSegment, queryString, randomJsonText } from "./generate.js";
import { expectClean, expectStillServing, runFuzz, useFuzzTarget, type FuzzRoute } from "./harness.js";

const route: FuzzRoute = {
  name: "DELETE /api/api-keys/:id",
  generate(rng, ctx) {
    const id = idSegment(rng, ctx.user.keyIds, ctx.foreign);
    const query = rng.chance(0.1) ? queryString(rng, ["force", "id"]) : "";
    const body = rng.chance(0.1) ? Buffer.from(randomJsonText(rng)) : undefined;
    return { method: "DELETE", path: `/api/api-keys/${id.segment}${query}`, body, headers: body ? { "content-type": "application/json" } : {}, kind: id.kind };
  },
};

describeEachDatabase("fuzz DELETE /api/api-keys/:id", (dialect) => {
  const target = useFuzzTarget(dialect);
  it("malformed deletes: no 5xx, every error in our shape and small; still serving", { timeout: 180_000 }, async () => {
    const report = await runFuzz(target.get(), route, { seed: fuzzSeed(), count: fuzzCount() });
    expectClean(report);
    await expectStillServing(target.get());
  });
});
