/**
 * Automatic rotation of an AWS access key, for credentials allowed to manage their own keys:
 *
 *   create_access_key   IAM CreateAccessKey, signed with the current pair (for the calling user)
 *   check_new_key       STS GetCallerIdentity with the new pair, retried while AWS propagates it
 *   switch              ctx.switchTo(new pair): from here on the new key is the working key
 *   deactivate_old_key  IAM UpdateAccessKey Status=Inactive on the old key, signed with the NEW pair
 *                       (retried like the check: IAM may not know the new key yet either)
 *   schedule_deletion   the old access key id is kept for IAM DeleteAccessKey after the grace period
 *                       (aws-key-retirement-sweeper.ts)
 *
 * The working key is always in place. Before the switch a failure leaves the old key current and
 * the just-created key is deleted again (`delete_new_key`, best effort, audited). After the
 * switch the new key is the working key: a failed deactivation is reported, and the old key is
 * still scheduled for deletion, so it does not stay alive for good (it is deleted, active or not,
 * when the grace period ends). Every step is recorded through ctx.step with ids and AWS error
 * codes only; the secret access key appears in no detail and no message.
 */
import { AppError } from "../platform/errors.js";
import type { AwsCredentialValue } from "../services/provider-definition.js";
import type { AutomaticRotationContext, AutomaticRotator } from "./automatic-rotation.js";
import { AwsCallError, type AwsIamClient, type NewAccessKey } from "./aws-iam-client.js";

export interface AwsKeyRotatorDeps {
  iam: AwsIamClient;
  /** Where the old access key waits for deletion (aws-key-retirements.ts). */
  retirements: { schedule(keyId: string, accessKeyId: string, graceHours: number): Promise<{ deleteAfter: string }> };
  /** KEYHAVEN_AWS_ROTATION_GRACE_HOURS: 0 deletes at the sweeper's next round. */
  graceHours: number;
  /**
   * Waits before each further STS check of a new key (AWS takes a few seconds to make a new
   * key valid everywhere); one more check than there are delays. Tests pass short ones.
   */
  checkDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

/** About 30 s in all: AWS documents new keys as usually valid within seconds. */
export const DEFAULT_CHECK_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 15_000];

type Details = Record<string, string | number | boolean>;

/** A failed step: its name, what to tell the user, and what to audit. */
class StepFailure extends Error {
  constructor(
    readonly step: string,
    readonly reason: string,
    readonly details: Details,
  ) {
    super(reason);
  }
}

/** What an AWS failure may say in an audit row: its code and status, never its text. */
function awsDetails(err: unknown): Details {
  if (err instanceof AwsCallError) return { code: err.code, ...(err.status !== null ? { status: err.status } : {}) };
  return { code: "Error" };
}

function describe(err: unknown): string {
  return err instanceof AwsCallError ? err.message : "an unexpected error";
}

const attemptsOf = (err: unknown): number => (err as { attempts?: number } | null)?.attempts ?? 1;

const isAwsPair = (value: unknown): value is AwsCredentialValue =>
  typeof value === "object" && value !== null && typeof (value as AwsCredentialValue).accessKeyId === "string";

export function createAwsKeyRotator(deps: AwsKeyRotatorDeps): AutomaticRotator {
  const { iam, retirements } = deps;
  const delays = deps.checkDelaysMs ?? DEFAULT_CHECK_DELAYS_MS;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /**
   * Runs `call` until it succeeds, at most `delays.length + 1` times: a new key may be refused
   * (InvalidClientTokenId) until AWS has made it valid everywhere. The number of tries, or the
   * last error with that number.
   */
  async function retrying(call: () => Promise<unknown>): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        await call();
        return attempt;
      } catch (err) {
        if (attempt > delays.length) throw Object.assign(err instanceof Error ? err : new Error(String(err)), { attempts: attempt });
        await sleep(delays[attempt - 1]);
      }
    }
  }

  return {
    supports: (service) => service === "aws",

    async rotate(ctx: AutomaticRotationContext): Promise<void> {
      const current = ctx.current;
      if (ctx.service !== "aws" || !isAwsPair(current)) {
        throw new AppError("VALIDATION_ERROR", "Only AWS keys can be rotated automatically here");
      }
      if (current.sessionToken || current.accessKeyId.startsWith("ASIA")) {
        throw new AppError(
          "VALIDATION_ERROR",
          "Temporary AWS credentials (ASIA… with a session token) cannot be rotated: they expire on their own. " +
            "Rotate the long-term access key (AKIA…) of the IAM user instead",
        );
      }
      const region = (ctx.config as { region?: string } | null | undefined)?.region;
      const old = { accessKeyId: current.accessKeyId, secretAccessKey: current.secretAccessKey };

      /**
       * A failed step's record. Its own failure to be written must not hide the step's failure,
       * which is what the user has to act on (the caller reports the rotation's outcome too).
       */
      const record = (name: string, outcome: "failed", details: Details) => ctx.step(name, outcome, details).catch(() => {});

      /** Runs one step and records it; a failure is recorded, then thrown as a StepFailure. */
      async function step<T>(name: string, run: () => Promise<T>, ok: (result: T) => Details, failure: (err: unknown) => StepFailure): Promise<T> {
        let result: T;
        try {
          result = await run();
        } catch (err) {
          const failed = err instanceof StepFailure ? err : failure(err);
          await record(name, "failed", failed.details);
          throw failed;
        }
        await ctx.step(name, "ok", ok(result));
        return result;
      }

      const fail = (err: StepFailure, where: string) =>
        new AppError("CONFLICT", `AWS key rotation failed at step ${err.step}: ${err.reason}. ${where}`);

      // 1. A new key for the calling user.
      let created: NewAccessKey;
      try {
        created = await iam.createAccessKey(old);
      } catch (err) {
        const failed = new StepFailure(
          "create_access_key",
          err instanceof AwsCallError && err.code === "LimitExceeded"
            ? "this IAM user already has 2 access keys, the most AWS allows. Delete the one Keyhaven does not use " +
                "(IAM console → Users → Security credentials), then rotate again"
            : `IAM CreateAccessKey did not succeed (${describe(err)}); the credentials need iam:CreateAccessKey on their own user`,
          awsDetails(err),
        );
        await record("create_access_key", "failed", failed.details);
        throw fail(failed, "Nothing was changed; the current key is still in use.");
      }
      const next = { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey };

      // 2–3. Proven at STS, then made the key's value. Until the switch, the old key is the
      // working key, and whatever goes wrong (an audit write included) deletes the new one.
      let switched = false;
      try {
        await ctx.step("create_access_key", "ok", { accessKeyId: next.accessKeyId });
        await step(
          "check_new_key",
          () => retrying(() => iam.getCallerIdentity(next, region)),
          (attempts) => ({ accessKeyId: next.accessKeyId, attempts }),
          (err) =>
            new StepFailure("check_new_key", `the new key did not work at AWS STS after ${attemptsOf(err)} checks (${describe(err)})`, {
              ...awsDetails(err),
              attempts: attemptsOf(err),
              accessKeyId: next.accessKeyId,
            }),
        );
        await step(
          "switch",
          async () => {
            await ctx.switchTo(next);
            switched = true;
          },
          () => ({ accessKeyId: next.accessKeyId, previousAccessKeyId: old.accessKeyId }),
          // An AppError's message is written for users; any other error's text stays out.
          (err) =>
            new StepFailure("switch", err instanceof AppError ? `the new key could not be stored (${err.message})` : "the new key could not be stored", {
              accessKeyId: next.accessKeyId,
            }),
        );
      } catch (err) {
        if (switched) throw err; // only the audit of a done switch failed: the new key is current
        const discarded = await discardNewKey(ctx, old, next.accessKeyId);
        if (err instanceof StepFailure) {
          const newKey = discarded
            ? `The new key ${next.accessKeyId} was deleted again`
            : `The new key ${next.accessKeyId} could not be deleted again; delete it in the IAM console`;
          throw fail(err, `${newKey}; the current key is still in use.`);
        }
        throw err;
      }

      // 4–5. The new key is the working key now; the old one is put out of use and, whatever
      // happens to its deactivation (an audit write included), scheduled for deletion.
      let deactivation: Error | undefined;
      try {
        await step(
          "deactivate_old_key",
          () => retrying(() => iam.updateAccessKey(next, old.accessKeyId, "Inactive")),
          (attempts) => ({ accessKeyId: old.accessKeyId, attempts }),
          (err) =>
            new StepFailure("deactivate_old_key", `IAM UpdateAccessKey did not succeed (${describe(err)})`, {
              ...awsDetails(err),
              attempts: attemptsOf(err),
              accessKeyId: old.accessKeyId,
            }),
        );
      } catch (err) {
        deactivation = err instanceof Error ? err : new Error(String(err));
      }
      try {
        await step(
          "schedule_deletion",
          () => retirements.schedule(ctx.keyId, old.accessKeyId, deps.graceHours),
          (r) => ({ accessKeyId: old.accessKeyId, deleteAfter: r.deleteAfter, graceHours: deps.graceHours }),
          () => new StepFailure("schedule_deletion", "the old key could not be scheduled for deletion", { accessKeyId: old.accessKeyId }),
        );
      } catch (err) {
        if (!(err instanceof StepFailure)) throw err;
        const also = deactivation instanceof StepFailure ? ` (deactivate_old_key failed too: ${deactivation.reason})` : "";
        throw fail(
          err,
          `The new key ${next.accessKeyId} is in use; delete the old key ${old.accessKeyId} in the IAM console yourself${also}.`,
        );
      }
      if (deactivation && !(deactivation instanceof StepFailure)) throw deactivation;
      if (deactivation) {
        throw fail(
          deactivation,
          `The new key ${next.accessKeyId} is in use; the old key ${old.accessKeyId} is still active until it is deleted after the grace period.`,
        );
      }
    },
  };

  /** Deletes a key that will not be used, signed with the (still working) old pair; never throws. Whether it is gone. */
  async function discardNewKey(ctx: AutomaticRotationContext, old: AwsCredentialValue, accessKeyId: string): Promise<boolean> {
    let outcome: "ok" | "failed" = "ok";
    let details: Details = { accessKeyId };
    try {
      await iam.deleteAccessKey(old, accessKeyId);
    } catch (err) {
      outcome = "failed";
      details = { accessKeyId, ...awsDetails(err) };
    }
    await ctx.step("delete_new_key", outcome, details).catch(() => {});
    return outcome === "ok";
  }
}
