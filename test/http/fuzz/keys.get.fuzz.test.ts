/** Fuzz GET /api/api-keys/:id: bad ids (escapes, NUL, long, other users') and includeValue values. */
import { it } from "vitest";
import { describeEachDatabase } from "../../support/databases.js";
import { fuzzCount, fuzzSeed, idSegment, queryString } from "./generate.js";
import { expectClean, expectStillServing, runFuzz, useFuzzTarget, type FuzzRoute } from "./harness.js";

const route: FuzzRoute = {
  name: "GET /api/api-keys/:id",
  generate(rng, ctx) {
    const id = idSegment(rng, ctx.user.keyIds, ctx.foreign);
    const query = queryString(rng, ["includeValue"], { includeValue: ["true", "false"] });
    return { method: "GET", path: `/api/api-keys/${id.segment}${query}`, kind: `${id.kind}, query ${query.slice(0, 40)}` };
  },
};

describeEachDatabase("fuzz GET /api/api-keys/:id", (dialect) => {
  const target = useFuzzTarget(dialect);
  it("malformed ids and queries: no 5xx, every error in our shape and small; still serving", { timeout: 180_000 }, async () => {
    const report = await runFuzz(target.get(), route, { seed: fuzzSeed(), count: fuzzCount() });
    expectClean(report);
    await expectStillServing(target.get());
  });
});
