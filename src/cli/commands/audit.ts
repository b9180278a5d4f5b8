/**
 * `keyhaven audit verify`: walks the audit chain on the local database. Exit 0 printing how
 * many events it checked, or 1 naming the first event that does not verify.
 */
import { loadConfig } from "../../platform/config.js";
import { createLogger } from "../../platform/logger.js";
import { createRuntime } from "../../app/compose.js";
import { verifyAuditChain } from "../../audit/audit-store.js";
import { StartupError } from "../../platform/errors.js";

const USAGE = "usage: keyhaven audit verify";

export async function auditCommand(args: string[]): Promise<void> {
  if (args[0] !== "verify" || args.length > 1) throw new StartupError(`${args[0] ? `unknown audit command "${args.join(" ")}"` : "name an audit command"}\n${USAGE}`, 64);
  const config = loadConfig();
  const runtime = await createRuntime(config, createLogger(config.logLevel, undefined, config.logFormat));
  try {
    const started = Date.now();
    let lastPrint = started;
    const verdict = await verifyAuditChain(runtime.database.db, (checked) => {
      // Progress on a terminal, at most once a second, once the walk has taken a second.
      const t = Date.now();
      if (!process.stderr.isTTY || t - lastPrint < 1000) return;
      lastPrint = t;
      process.stderr.write(`\rverifying the audit log: ${checked} events…`);
    });
    if (process.stderr.isTTY && lastPrint !== started) process.stderr.write("\n");
    if (verdict.ok) {
      const from = verdict.from > 0 ? ` checked from checkpoint at seq ${verdict.from}` : "";
      process.stdout.write(`audit log verified: ${verdict.checked} event${verdict.checked === 1 ? "" : "s"}${from}, chain intact\n`);
      return;
    }
    const { seq, id, reason } = verdict.first;
    process.stderr.write(`keyhaven: audit log does not verify at event #${seq}${id ? ` (${id})` : ""}: ${reason}; ${verdict.checked} events before it verified${verdict.from > 0 ? ` (from checkpoint at seq ${verdict.from})` : ""}\n`);
    process.exitCode = 1;
  } finally {
    await runtime.close();
  }
}
