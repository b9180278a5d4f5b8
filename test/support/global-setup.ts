/**
 * Runs once per `vitest run`. Says loudly when the PostgreSQL half of the suite is skipped,
 * and leaves a marker that .ci/run checks (CI must never skip it).
 */
import fs from "node:fs";

export default function setup() {
  const marker = "test-results/postgres-skipped";
  fs.mkdirSync("test-results", { recursive: true });
  if (process.env.KEYHAVEN_REPEAT_RUN === "on") {
    fs.rmSync(marker, { force: true });
    process.stdout.write("\n[keyhaven] second Node version: SQLite only here; the PostgreSQL half ran on the first\n\n");
  } else if (process.env.TEST_DATABASE_URL) {
    fs.rmSync(marker, { force: true });
  } else {
    fs.writeFileSync(marker, "TEST_DATABASE_URL unset\n");
    process.stdout.write(
      "\n\x1b[33m[keyhaven] PostgreSQL tests SKIPPED: TEST_DATABASE_URL is not set " +
        "(e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test)\x1b[0m\n\n",
    );
  }
}
