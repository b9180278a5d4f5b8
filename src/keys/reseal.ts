/**
 * `keyhaven reseal`: seals every secret still in the `kh1` format again as `kh2`, so config
 * and version are bound everywhere (a `kh1` row is also re-sealed on its next update). One row
 * at a time through the key service, owner-scoped; safe to run while the server runs, and again.
 */
import type { Kysely } from "kysely";
import { CLI_ACTOR } from "../access/actor.js";
import type { OwnerRef } from "../access/owner.js";
import type { Database } from "../db/schema.js";
import type { KeyService } from "./key-service.js";

const BATCH = 500;
const LEGACY_PREFIX = "kh1.%";

export interface ResealProgress {
  done: number;
  total: number;
}

export interface ResealResult {
  /** Rows found in the old format when the run started. */
  total: number;
  resealed: number;
  /** Ids of rows that could not be opened (tampered, or another master key): left as they are. */
  failed: string[];
}

export async function resealLegacySecrets(
  db: Kysely<Database>,
  keys: Pick<KeyService, "resealLegacy">,
  onProgress: (progress: ResealProgress) => void = () => {},
): Promise<ResealResult> {
  const { count } = await db
    .selectFrom("api_keys")
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .where("encrypted_value", "like", LEGACY_PREFIX)
    .executeTakeFirstOrThrow();
  const total = Number(count);
  const result: ResealResult = { total, resealed: 0, failed: [] };
  let done = 0;
  let afterId = "";
  onProgress({ done, total });
  for (;;) {
    // Keyset pagination by id: rows re-sealed meanwhile simply drop out of the filter.
    const batch = await db
      .selectFrom("api_keys")
      .select(["id", "owner_type", "owner_id"])
      .where("encrypted_value", "like", LEGACY_PREFIX)
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(BATCH)
      .execute();
    if (batch.length === 0) break;
    for (const row of batch) {
      const owner: OwnerRef = { type: row.owner_type as OwnerRef["type"], id: row.owner_id };
      try {
        if (await keys.resealLegacy(CLI_ACTOR, owner, row.id)) result.resealed++;
      } catch {
        result.failed.push(row.id);
      }
      done++;
      onProgress({ done: Math.min(done, total), total: Math.max(done, total) });
    }
    afterId = batch[batch.length - 1].id;
  }
  return result;
}
