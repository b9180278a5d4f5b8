/**
 * SQL for the audit log. `append` runs inside the caller's transaction, so a change and its
 * event commit together (or neither does). It first moves the head row (`audit_head`) — an
 * UPDATE … RETURNING that takes the row's write lock —, so concurrent appenders, in this
 * process or another instance, queue on that row and each chains onto the one before: one
 * chain, no gap, no fork, on SQLite (one writer at a time) and PostgreSQL (row lock until commit).
 */
import { randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { AuditEventsTable, Database } from "../db/schema.js";
import { eventHash, GENESIS_HASH } from "./audit-chain.js";
import type { AuditEventInput } from "./audit-types.js";

type Db = Kysely<Database> | Transaction<Database>;

const newEventId = () => `evt_${randomBytes(12).toString("base64url")}`;

/** The stored row of an input, before its place in the chain is known. */
function rowOf(input: AuditEventInput, at: string): Omit<AuditEventsTable, "seq" | "prev_hash" | "hash"> {
  return {
    id: newEventId(),
    at,
    action: input.action,
    actor_type: input.actor.type,
    actor_id: input.actor.id,
    actor_label: input.actor.label,
    target_type: input.target?.type ?? null,
    target_id: input.target?.id ?? null,
    target_label: input.target?.label ?? null,
    user_id: input.userId ?? null,
    team_id: input.teamId ?? null,
    ip: input.ip ?? null,
    user_agent: input.userAgent ?? null,
    details: JSON.stringify(input.details ?? {}),
  };
}

/** Appends events, in order, to the chain. Call it inside a transaction (the caller's change's). */
/**
 * Rows per INSERT: 17 parameters a row stays under SQLite's 32,766 and PostgreSQL's 65,535 bound
 * parameters. A usage flush appends one `key.use` event per key and minute — thousands at once.
 */
const APPEND_CHUNK = 1_000;

export async function appendAuditEvents(trx: Transaction<Database>, inputs: readonly AuditEventInput[], at: string): Promise<AuditEventsTable[]> {
  if (inputs.length === 0) return [];
  const head = await trx
    .updateTable("audit_head")
    .set((eb) => ({ seq: eb("seq", "+", inputs.length) }))
    .where("id", "=", 1)
    .returning(["seq", "hash"])
    .executeTakeFirstOrThrow();
  let seq = Number(head.seq) - inputs.length;
  let prev = head.hash;
  const rows = inputs.map((input) => {
    const row = { ...rowOf(input, at), seq: ++seq, prev_hash: prev };
    prev = eventHash(row);
    return { ...row, hash: prev };
  });
  for (let i = 0; i < rows.length; i += APPEND_CHUNK) await trx.insertInto("audit_events").values(rows.slice(i, i + APPEND_CHUNK)).execute();
  await trx.updateTable("audit_head").set({ hash: prev }).where("id", "=", 1).execute();
  return rows;
}

export interface ChainBreak {
  seq: number;
  id: string | null;
  reason: string;
}

export type ChainVerdict =
  | { ok: true; checked: number; from: number }
  | { ok: false; checked: number; from: number; first: ChainBreak };

/**
 * Walks the chain from the newest checkpoint (retention's, see audit-retention.ts) or the start
 * to the head, in pages, recomputing every hash: an edited row fails its own hash, a deleted one
 * leaves a gap in `seq`, an inserted or reordered one fails the link to its predecessor, a
 * cut-off tail disagrees with the head. A checkpoint counts only if an `audit.prune` event in the
 * verified chain records the same seq and hash: an edited or forged checkpoint fails too.
 * `from` is the checkpoint's seq (0: the whole chain).
 */
export async function verifyAuditChain(db: Db, onProgress?: (checked: number) => void, pageSize = 2_000): Promise<ChainVerdict> {
  const checkpoint = await db.selectFrom("audit_checkpoints").select(["seq", "hash"]).orderBy("seq", "desc").limit(1).executeTakeFirst();
  const from = checkpoint ? Number(checkpoint.seq) : 0;
  let lastSeq = from;
  let lastHash = checkpoint?.hash ?? GENESIS_HASH;
  let vouched = !checkpoint;
  let checked = 0;
  const broken = (seq: number, id: string | null, reason: string): ChainVerdict => ({ ok: false, checked, from, first: { seq, id, reason } });

  for (;;) {
    const page = await db.selectFrom("audit_events").selectAll().where("seq", ">", lastSeq).orderBy("seq").limit(pageSize).execute();
    for (const raw of page) {
      const row = { ...raw, seq: Number(raw.seq) };
      if (row.seq !== lastSeq + 1) {
        const after = lastSeq === from && checkpoint ? `; the newest checkpoint is at #${from}` : "";
        return broken(lastSeq + 1, null, `event #${lastSeq + 1} is missing (the next stored is #${row.seq})${after}`);
      }
      if (row.prev_hash !== lastHash) {
        return broken(
          row.seq,
          row.id,
          lastSeq === from && checkpoint
            ? `event #${row.seq} does not follow the checkpoint at #${from} (the checkpoint was edited, or events were deleted or changed around it)`
            : `event #${row.seq} does not follow #${lastSeq} (inserted, reordered, or its predecessor was changed)`,
        );
      }
      const { hash, ...fields } = row;
      if (eventHash(fields) !== hash) return broken(row.seq, row.id, `event #${row.seq} was changed after it was written`);
      if (!vouched && row.action === "audit.prune") vouched = prunedThrough(row.details, checkpoint!);
      lastSeq = row.seq;
      lastHash = hash;
      checked++;
    }
    onProgress?.(checked);
    if (page.length < pageSize) break;
  }
  const head = await db.selectFrom("audit_head").select(["seq", "hash"]).where("id", "=", 1).executeTakeFirst();
  if (!head) return broken(lastSeq + 1, null, "the chain's head record is missing");
  if (Number(head.seq) !== lastSeq || head.hash !== lastHash) {
    return broken(lastSeq + 1, null, `the chain ends at #${lastSeq} but its head says #${Number(head.seq)}: events were removed from the end`);
  }
  if (!vouched) return broken(from, null, `the checkpoint at #${from} was not recorded by any audit.prune event in the chain (forged or edited)`);
  return { ok: true, checked, from };
}

/** Whether an `audit.prune` event's details name exactly this checkpoint. */
function prunedThrough(details: string, checkpoint: { seq: number | string; hash: string }): boolean {
  try {
    const d = JSON.parse(details) as { throughSeq?: unknown; throughHash?: unknown };
    return d.throughSeq === Number(checkpoint.seq) && d.throughHash === checkpoint.hash;
  } catch {
    return false;
  }
}

export interface AuditFilter {
  /** Whose events: one user's (their keys, tokens, sign-ins), or null for everyone's. */
  userId: string | null;
  /** With `userId`: these teams' events too (teams the user administers). */
  teamIds?: readonly string[];
  /** Only this team's events (the caller checked it is among the teams the reader may see). */
  teamId?: string;
  action?: string;
  keyId?: string;
  actorId?: string;
  from?: string;
  to?: string;
  /** Events before this sequence number (the cursor). */
  beforeSeq?: number;
  limit: number;
}

/** Newest first, filtered; `limit` rows at most. */
export function listAuditEvents(db: Db, f: AuditFilter): Promise<AuditEventsTable[]> {
  let q = db.selectFrom("audit_events").selectAll();
  if (f.teamId !== undefined) q = q.where("team_id", "=", f.teamId);
  else if (f.userId !== null) {
    const { userId, teamIds = [] } = f;
    q = teamIds.length === 0 ? q.where("user_id", "=", userId) : q.where((eb) => eb.or([eb("user_id", "=", userId), eb("team_id", "in", [...teamIds])]));
  }
  if (f.action) q = q.where("action", "=", f.action);
  if (f.keyId) q = q.where("target_id", "=", f.keyId);
  if (f.actorId) q = q.where("actor_id", "=", f.actorId);
  if (f.from) q = q.where("at", ">=", f.from);
  if (f.to) q = q.where("at", "<", f.to);
  if (f.beforeSeq !== undefined) q = q.where("seq", "<", f.beforeSeq);
  return q.orderBy("seq", "desc").limit(f.limit).execute();
}
