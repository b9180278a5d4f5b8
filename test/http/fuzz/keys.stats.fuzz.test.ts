/** Fuzz GET /api/api-keys/stats: odd spellings of the path, junk query strings, bodies on a GET. */
import { it } from "vitest";
import { describeEachDatabase } from "../../support/databases.js";
import { BAD_ESCAPES, fuzzCount, fuzzSeed, queryString, randomJsonText } from "./generate.js";
import { expectClean, expectStillServing, runFuzz, useFuzzTarget, type FuzzRoute } from "./harness.js";

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

describeEachDatabase("fuzz GET /api/api-keys/stats", (dialect) => {
  const target = useFuzzTarget(dialect);
  it("odd stats requests: no 5xx, every error in our shape and small; still serving", { timeout: 180_000 }, async () => {
    const report = await runFuzz(target.get(), route, { seed: fuzzSeed(), count: fuzzCount() });
    expectClean(report);
    await expectStillServing(target.get());
  });
});
