/**
 * Budget alerts POSTed to the operator's KEYHAVEN_ALERT_WEBHOOK_URL as Slack-compatible JSON
 * (`{ "text": … }`, which Slack, Mattermost, Discord's /slack endpoint and most chat tools take).
 * Sent once per alert, by the instance that recorded it; a failure is logged, never retried
 * (the alert is still in the app).
 */
import type { Logger } from "../platform/logger.js";

const TIMEOUT_MS = 10_000;

export function createAlertWebhook(url: string, logger: Logger, fetchImpl: typeof fetch = fetch) {
  return (alert: { message: string; threshold: number }): void => {
    const body = JSON.stringify({ text: `Keyhaven: ${alert.message}`, threshold: alert.threshold });
    fetchImpl(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(TIMEOUT_MS) })
      .then(async (res) => {
        await res.body?.cancel();
        if (!res.ok) logger.warn({ status: res.status }, "budget alert webhook answered with an error");
      })
      .catch((err: unknown) => logger.warn({ err: { message: (err as Error).message } }, "budget alert webhook could not be reached"));
  };
}
