/**
 * Deletes the AWS access keys that rotations put out of use, once their grace period is over:
 * every `intervalMs` it claims the due rows of `aws_key_retirements` (one instance per row, see
 * aws-key-retirements.ts) and calls IAM DeleteAccessKey, signed with the key's CURRENT
 * credentials, read through the key service when the call is made (the old secret was never
 * kept). Each outcome is a `key.rotate` event with `details.step` = `delete_old_key`. A failure
 * is tried again later, with a growing wait, up to `maxAttempts`.
 *
 * Never deleted: the access key a Keyhaven key holds now (after a rollback the "old" key is the
 * working one again), and anything when the Keyhaven key is gone (nothing left to sign with).
 */
import type { OwnerRef } from "../access/owner.js";
import { auditEvent } from "../audit/audit-service.js";
import { ROTATION_ACTOR } from "../access/actor.js";
import type { Logger } from "../platform/logger.js";
import type { KeyValue } from "../services/provider-definition.js";
import { AppError } from "../platform/errors.js";
import { AwsCallError, type AwsIamClient } from "./aws-iam-client.js";
import type { AwsKeyRetirement, AwsKeyRetirements } from "./aws-key-retirements.js";

export interface AwsKeyRetirementSweeperDeps {
  retirements: AwsKeyRetirements;
  iam: Pick<AwsIamClient, "deleteAccessKey">;
  /** The key's value now (compose.ts: the key service's openForRotation with the rotation actor). */
  currentAwsValue(owner: OwnerRef, keyId: string): Promise<KeyValue>;
  logger: Pick<Logger, "warn" | "error">;
  /** How often due rows are looked for; the timer is unref()ed. 0: only on tick(). */
  intervalMs: number;
  now?: () => Date;
  /** How long one claim holds a row: a sweeper that dies mid-call leaves it to another after this. */
  leaseMs?: number;
  /** Tries before a row is given up (status "failed", audited). */
  maxAttempts?: number;
  /** Rows handled per round. */
  batchSize?: number;
}

const MINUTE_MS = 60_000;
/** 1, 2, 4 … minutes between tries, at most 6 hours. */
const retryDelayMs = (attempts: number) => Math.min(2 ** Math.max(0, attempts - 1) * MINUTE_MS, 6 * 60 * MINUTE_MS);

type Outcome = { ok: true; details: Record<string, unknown> } | { ok: false; error: string; terminal: boolean; details: Record<string, unknown> };

export function createAwsKeyRetirementSweeper(deps: AwsKeyRetirementSweeperDeps) {
  const { retirements, iam, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 5 * MINUTE_MS;
  const maxAttempts = deps.maxAttempts ?? 10;
  const batchSize = deps.batchSize ?? 20;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<number> | undefined;
  let closed = false;

  const event = (row: AwsKeyRetirement, outcome: "ok" | "failed", details: Record<string, unknown>) =>
    auditEvent(ROTATION_ACTOR, "key.rotate", {
      owner: { type: row.owner_type as OwnerRef["type"], id: row.owner_id },
      target: { type: "key", id: row.key_id },
      details: { step: "delete_old_key", outcome, accessKeyId: row.access_key_id, ...details },
    });

  async function deleteOne(row: AwsKeyRetirement): Promise<Outcome> {
    const owner: OwnerRef = { type: row.owner_type as OwnerRef["type"], id: row.owner_id };
    let value: KeyValue;
    try {
      value = await deps.currentAwsValue(owner, row.key_id);
    } catch (err) {
      if (err instanceof AppError && err.code === "NOT_FOUND") {
        return { ok: false, error: "KeyNotFound", terminal: true, details: { code: "KeyNotFound" } };
      }
      throw err;
    }
    if (typeof value === "string") return { ok: false, error: "NotAnAwsKey", terminal: true, details: { code: "NotAnAwsKey" } };
    if (value.accessKeyId === row.access_key_id) {
      // Rolled back to the old key: it is the working key again and must live.
      return { ok: false, error: "KeyInUse", terminal: true, details: { code: "KeyInUse" } };
    }
    try {
      await iam.deleteAccessKey(value, row.access_key_id);
      return { ok: true, details: {} };
    } catch (err) {
      // Already gone (by hand, or by another sweeper whose claim ran out): what was wanted.
      if (err instanceof AwsCallError && err.code === "NoSuchEntity") return { ok: true, details: { alreadyDeleted: true } };
      const code = err instanceof AwsCallError ? err.code : "Error";
      return { ok: false, error: code, terminal: false, details: { code, ...(err instanceof AwsCallError && err.status !== null ? { status: err.status } : {}) } };
    }
  }

  async function handle(row: AwsKeyRetirement): Promise<boolean> {
    if (!(await retirements.claim(row, leaseMs))) return false; // another sweeper has it
    const attempts = row.attempts + 1;
    let outcome: Outcome;
    try {
      outcome = await deleteOne(row);
    } catch (err) {
      logger.error({ err, keyId: row.key_id }, "AWS old-key deletion could not read the key");
      outcome = { ok: false, error: "Error", terminal: false, details: { code: "Error" } };
    }
    if (outcome.ok) {
      await retirements.done(row.id, [event(row, "ok", { attempts, ...outcome.details })]);
      return true;
    }
    const giveUp = outcome.terminal || attempts >= maxAttempts;
    const retryAt = giveUp ? null : new Date(now().getTime() + retryDelayMs(attempts));
    const failed = event(row, "failed", { attempts, ...outcome.details, ...(retryAt ? { retryAt: retryAt.toISOString() } : { gaveUp: true }) });
    await retirements.release(row.id, outcome.error, retryAt, [failed]);
    logger.warn({ keyId: row.key_id, accessKeyId: row.access_key_id, code: outcome.error, gaveUp: giveUp }, "AWS old-key deletion failed");
    return false;
  }

  /** One round: every due row this sweeper can claim. The number of old keys deleted. */
  async function sweep(): Promise<number> {
    let deleted = 0;
    for (const row of await retirements.due(batchSize)) {
      if (closed) break;
      if (await handle(row)) deleted++;
    }
    return deleted;
  }

  /** One round now; rounds never overlap in one process. */
  function tick(): Promise<number> {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    tick,
    start(): void {
      if (timer || closed || deps.intervalMs <= 0) return;
      timer = setInterval(() => {
        tick().catch((err: unknown) => logger.error({ err }, "AWS old-key deletion round failed"));
      }, deps.intervalMs);
      timer.unref();
    },
    /** Stops the timer and waits for a round under way. Idempotent. */
    async close(): Promise<void> {
      closed = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}

export type AwsKeyRetirementSweeper = ReturnType<typeof createAwsKeyRetirementSweeper>;
