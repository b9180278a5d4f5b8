/**
 * Migrations on a PostgreSQL database that other applications (or other test runs) share:
 * Kysely finds its own tables by introspecting every schema, and a schema dropped by someone
 * else during that scan fails it with "schema <theirs> does not exist" (or, for a table or column
 * dropped mid-scan, "column … of relation … does not exist"). migrateToLatest looks again in
 * that case; a failure naming our own schema, or of a migration of ours, is still a failure.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { TEST_DATABASE_URL } from "../support/databases.js";

const block = TEST_DATABASE_URL ? describe : describe.skip;
const ROUNDS = 12;

block(`migrations beside schemas being dropped${TEST_DATABASE_URL ? "" : " [postgres — skipped: TEST_DATABASE_URL unset]"}`, () => {
  const ours: string[] = [];
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    for (const s of ours) await admin.query(`drop schema if exists "${s}" cascade`);
    await admin.end();
  });

  it("every migration run succeeds while another client creates and drops schemas with tables", { timeout: 240_000 }, async () => {
    const churn = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await churn.connect();
    let stop = false;
    let dropped = 0;
    // Schemas with a serial column: the introspection's pg_get_serial_sequence meets them mid-drop.
    const churning = (async () => {
      while (!stop) {
        const s = `kh_churn_${randomBytes(4).toString("hex")}`;
        await churn.query(`create schema "${s}"; create table "${s}".t (id serial primary key, a text, b text, c text)`);
        // Columns and tables go too, not only whole schemas (as a test's down migration or restore does).
        await churn.query(`alter table "${s}".t drop column c`);
        await churn.query(`drop table "${s}".t`);
        await churn.query(`drop schema "${s}" cascade`);
        dropped++;
      }
    })();
    const failures: string[] = [];
    try {
      for (let i = 0; i < ROUNDS; i++) {
        const schema = `kh_migrate_${randomBytes(6).toString("hex")}`;
        ours.push(schema);
        const handle = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: "/nonexistent", pgSchema: schema });
        try {
          await migrateToLatest(handle.db);
        } catch (err) {
          failures.push((err as Error).message);
        } finally {
          await handle.close();
        }
      }
    } finally {
      stop = true;
      await churning;
      await churn.end();
    }
    expect(dropped).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });
});
