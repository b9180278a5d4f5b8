/**
 * The rotation scheduler: every `intervalMs`, keys whose rotation is due, of services the
 * automatic rotator supports, are rotated (key-service `rotateDueKeys`). Safe with several
 * instances: each key is claimed with a conditional UPDATE before it is rotated, and a failed
 * attempt waits `retryAfterMs` before the next. Runs never overlap within one instance.
 */
import type { Logger } from "../platform/logger.js";
import type { KeyService } from "./key-service.js";

export const ROTATION_INTERVAL_MS = 15 * 60_000;
export const ROTATION_RETRY_AFTER_MS = 60 * 60_000;
/** Keys one run takes at most (the next run takes the rest). */
const ROTATIONS_PER_RUN = 50;

export interface RotationScheduler {
  start(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** One run now (tests, and the timer). */
  runOnce(): Promise<void>;
}

export function createRotationScheduler(deps: {
  keys: Pick<KeyService, "rotateDueKeys">;
  logger: Logger;
  intervalMs?: number;
  retryAfterMs?: number;
  /** False (no automatic rotator): start() does nothing. */
  enabled?: boolean;
}): RotationScheduler {
  const { keys, logger } = deps;
  const intervalMs = deps.intervalMs ?? ROTATION_INTERVAL_MS;
  const retryAfterMs = deps.retryAfterMs ?? ROTATION_RETRY_AFTER_MS;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function run(): Promise<void> {
    try {
      const report = await keys.rotateDueKeys({ retryAfterMs, limit: ROTATIONS_PER_RUN });
      if (report.rotated.length) logger.info({ keys: report.rotated }, "keys rotated automatically");
      for (const f of report.failed) logger.warn({ keyId: f.keyId, reason: f.message }, "automatic rotation failed; the key in use was kept");
    } catch (err) {
      logger.error({ err }, "rotation run failed");
    }
  }

  const runOnce = () => (running ??= run().finally(() => (running = undefined)));

  return {
    start() {
      if (timer || deps.enabled === false) return;
      timer = setInterval(() => void runOnce(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
    runOnce,
  };
}
