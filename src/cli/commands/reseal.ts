/** `keyhaven reseal`: re-encrypt keys stored as kh1 in the kh2 format. */
import { loadConfig } from "../../platform/config.js";
import { resealLegacySecrets } from "../../keys/reseal.js";
import { createLogger } from "../../platform/logger.js";
import { createRuntime } from "../../app/compose.js";

/** Progress at most once a second (and at the end), so a million rows do not flood a terminal. */
export async function resealCommand(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  const runtime = await createRuntime(config, logger);
  try {
    let lastPrint = 0;
    const result = await resealLegacySecrets(runtime.database.db, runtime.keys, ({ done, total }) => {
      const t = Date.now();
      if (done > 0 && done < total && t - lastPrint < 1000) return;
      lastPrint = t;
      if (done === 0) process.stdout.write(`${total} key(s) in the kh1 format\n`);
      else process.stdout.write(`resealing: ${done}/${total}\n`);
    });
    for (const id of result.failed) process.stderr.write(`keyhaven: could not reseal key ${id}: Decryption failed\n`);
    process.stdout.write(`resealed ${result.resealed} key(s) as kh2${result.failed.length ? `; ${result.failed.length} failed` : ""}\n`);
    if (result.failed.length) process.exitCode = 1;
  } finally {
    await runtime.close();
  }
}
