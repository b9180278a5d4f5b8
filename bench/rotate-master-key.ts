/**
 * `keyhaven rotate-master-key` at scale: the data keys of 1,000,000 API keys — 100,000 owners
 * with 10 keys each, seeded through bench/seed.ts under master key version 1 — re-wrapped under
 * version 2 by the real code (`rewrapDataKeys`, what the command runs), then the command's
 * verification (`verifyStoredSecrets`: every data key unwraps, every secret decrypts).
 *
 * The rewrap cost is per data key (one per owner), so it is 100,000 rows re-wrapped that cover
 * 1,000,000 keys; both rates are printed. Floors, in the same run on the same rows:
 *   - crypto: unwrap + wrap of every data key in memory, nothing else;
 *   - hand-written: the same crypto and one plain `UPDATE … WHERE id = ?` per row (no compare-
 *     and-set, no paging, rows read in one query), batched in transactions of the same size, on a
 *     scratch copy of data_keys so the rows under test stay as they are.
 * The rotation runs first, then the hand-written floor, then the crypto floor.
 *
 * `npx tsx bench/rotate-master-key.ts [--db sqlite|postgres|both] [--keys 1000000] [--owners 100000] [--batch-size 2000] [--quick]`
 */
import { sql, type Kysely } from "kysely";
import { createRuntime, type Runtime } from "../src/app/compose.js";
import type { OwnerRef } from "../src/access/owner.js";
import { LIBRARY_ACTOR } from "../src/access/actor.js";
import { unwrapDataKey, wrapDataKey } from "../src/crypto/data-key.js";
import { generateMasterKeyBase64 } from "../src/crypto/master-keyring.js";
import type { Database } from "../src/db/schema.js";
import { REWRAP_BATCH, rewrapDataKeys } from "../src/keys/master-key-rotation.js";
import { verifyStoredSecrets } from "../src/keys/secret-verification.js";
import { createLogger } from "../src/platform/logger.js";
import { createBenchDatabase, dropOnSignal, fmtInt, intFlag, machineLine, parseFlags, ratioLine, type BenchDatabase, type Verdict } from "./lib/common.js";
import { seedKeys } from "./seed.js";

interface Figures {
  dialect: string;
  dataKeys: number;
  keys: number;
  rewrapSeconds: number;
  verifySeconds: number;
  handWrittenSeconds: number;
  cryptoSeconds: number;
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** A runtime on `db` with the new master key current and the old one as previous. */
function rotatedRuntime(db: BenchDatabase, newKey: string): Promise<Runtime> {
  const config = db.config({ KEYHAVEN_MASTER_KEY: newKey, KEYHAVEN_MASTER_KEY_VERSION: "2", KEYHAVEN_PREVIOUS_MASTER_KEYS: `1:${db.masterKey}` });
  return createRuntime(config, createLogger("warn"), { pgSchema: db.pgSchema });
}

/** The hand-written floor: read all, unwrap + wrap, plain UPDATE by id, on a scratch copy. */
async function handWrittenFloor(db: Kysely<Database>, rt: Runtime, batchSize: number): Promise<number> {
  await sql`drop table if exists data_keys_floor`.execute(db);
  await sql`create table data_keys_floor as select * from data_keys`.execute(db);
  await sql`create unique index data_keys_floor_id on data_keys_floor (id)`.execute(db);
  const t0 = performance.now();
  const rows = await db.selectFrom("data_keys").select(["id", "owner_type", "owner_id", "wrapped_key"]).execute();
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize).map((r) => {
      const owner: OwnerRef = { type: r.owner_type as OwnerRef["type"], id: r.owner_id };
      return { id: r.id, wrapped: wrapDataKey(rt.keyring, owner, unwrapDataKey(rt.keyring, owner, r.wrapped_key)) };
    });
    await db.transaction().execute(async (trx) => {
      for (const b of batch) await sql`update data_keys_floor set wrapped_key = ${b.wrapped}, kek_version = 2 where id = ${b.id}`.execute(trx);
    });
  }
  const s = seconds(t0);
  await sql`drop table data_keys_floor`.execute(db);
  return s;
}

async function cryptoFloor(db: Kysely<Database>, rt: Runtime): Promise<number> {
  const rows = await db.selectFrom("data_keys").select(["owner_type", "owner_id", "wrapped_key"]).execute();
  const t0 = performance.now();
  let sink = 0;
  for (const r of rows) {
    const owner: OwnerRef = { type: r.owner_type as OwnerRef["type"], id: r.owner_id };
    sink += wrapDataKey(rt.keyring, owner, unwrapDataKey(rt.keyring, owner, r.wrapped_key)).length;
  }
  if (sink === 0) throw new Error("nothing wrapped");
  return seconds(t0);
}

async function runOne(dialect: "sqlite" | "postgres", pgUrl: string, keys: number, owners: number, batchSize: number, track: (d?: BenchDatabase) => void): Promise<Figures> {
  const db = await createBenchDatabase(dialect, pgUrl, "rotate");
  track(db);
  try {
    const v1 = await db.runtime();
    const seeded = await seedKeys({ db, runtime: v1, keys, keysPerUser: Math.ceil(keys / owners), targetUsers: 100, label: dialect });
    const newKey = generateMasterKeyBase64();
    const rt = await rotatedRuntime(db, newKey);
    const kdb = rt.database.db;

    let t0 = performance.now();
    const result = await rewrapDataKeys(kdb, rt.database.dialect, rt.keyring, () => {}, batchSize);
    const rewrapSeconds = seconds(t0);
    if (result.rewrapped !== seeded.dataKeys || result.failed.length) throw new Error(`rewrap: ${JSON.stringify({ ...result, failed: result.failed.length })}`);
    console.log(`${dialect}: re-wrapped ${fmtInt(result.rewrapped)} data keys (${fmtInt(seeded.keys)} keys) in ${rewrapSeconds.toFixed(2)} s`);

    t0 = performance.now();
    const verification = await verifyStoredSecrets(kdb, rt.keyring, { dialect });
    const verifySeconds = seconds(t0);
    if (verification.failures.length || verification.secrets !== seeded.keys) throw new Error(`verify: ${verification.failures.length} failures, ${verification.secrets} secrets`);
    console.log(`${dialect}: verified ${fmtInt(verification.dataKeys)} data keys + ${fmtInt(verification.secrets)} secrets in ${verifySeconds.toFixed(2)} s`);

    // The old key removed: a runtime on the new key alone hands out the seeded values.
    await rt.close();
    const alone = await createRuntime(db.config({ KEYHAVEN_MASTER_KEY: newKey, KEYHAVEN_MASTER_KEY_VERSION: "2" }), createLogger("warn"), { pgSchema: db.pgSchema });
    for (const t of seeded.targets.slice(0, 50)) {
      const got = await alone.keys.findUsableKey(LIBRARY_ACTOR, { type: "user", id: t.userId }, t.service);
      if (got?.value !== t.value) throw new Error(`after rotation ${t.userId}/${t.service} did not hand out its key`);
    }
    const floorRt = await rotatedRuntimeForFloor(db, newKey);
    const handWrittenSeconds = await handWrittenFloor(floorRt.database.db, floorRt, batchSize);
    const cryptoSeconds = await cryptoFloor(floorRt.database.db, floorRt);
    await Promise.all([alone.close(), floorRt.close()]);
    console.log(`${dialect}: floors: hand-written ${handWrittenSeconds.toFixed(2)} s, crypto only ${cryptoSeconds.toFixed(2)} s`);
    return { dialect, dataKeys: result.rewrapped, keys: seeded.keys, rewrapSeconds, verifySeconds, handWrittenSeconds, cryptoSeconds };
  } finally {
    await db.drop();
    track(undefined);
  }
}

/** After the rotation every data key is under version 2: the floor re-wraps those, 2 → 2. */
function rotatedRuntimeForFloor(db: BenchDatabase, newKey: string): Promise<Runtime> {
  return createRuntime(db.config({ KEYHAVEN_MASTER_KEY: newKey, KEYHAVEN_MASTER_KEY_VERSION: "2" }), createLogger("warn"), { pgSchema: db.pgSchema });
}

async function main() {
  const flags = parseFlags(process.argv.slice(2), { db: "both" });
  const keys = intFlag(flags, "keys", flags.quick ? 10_000 : 1_000_000);
  const owners = intFlag(flags, "owners", flags.quick ? 1_000 : 100_000);
  const batchSize = intFlag(flags, "batch-size", REWRAP_BATCH);
  let current: BenchDatabase | undefined;
  dropOnSignal(() => (current ? [current] : []));
  console.log(`rotate-master-key benchmark${flags.quick ? " (--quick)" : ""} · ${machineLine()}`);
  console.log(`${fmtInt(keys)} keys over ${fmtInt(owners)} owners (one data key each), batches of ${fmtInt(batchSize)}`);

  const results: Figures[] = [];
  for (const dialect of flags.dbs) results.push(await runOne(dialect, flags.pgUrl, keys, owners, batchSize, (d) => (current = d)));

  console.log("");
  console.log("| database | data keys | keys covered | rewrap | data keys/s | keys covered/s | verify (all secrets) | hand-written floor | crypto floor |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of results) {
    console.log(
      `| ${r.dialect} | ${fmtInt(r.dataKeys)} | ${fmtInt(r.keys)} | ${r.rewrapSeconds.toFixed(2)} s | ${fmtInt(r.dataKeys / r.rewrapSeconds)} | ${fmtInt(r.keys / r.rewrapSeconds)} | ${r.verifySeconds.toFixed(2)} s (${fmtInt(r.keys / r.verifySeconds)} secrets/s) | ${r.handWrittenSeconds.toFixed(2)} s | ${r.cryptoSeconds.toFixed(2)} s |`,
    );
  }
  console.log("");
  const verdicts: Verdict[] = [];
  for (const r of results) {
    verdicts.push(ratioLine(`rewrap rate / hand-written floor ${r.dialect}`, r.handWrittenSeconds / r.rewrapSeconds, { op: ">=", value: 0.7 }, flags.quick));
    verdicts.push(ratioLine(`rewrap rate / crypto-only floor ${r.dialect}`, r.cryptoSeconds / r.rewrapSeconds, undefined, flags.quick));
  }
  for (const v of verdicts) console.log(v.line);
  if (verdicts.some((v) => v.failed)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
