/** `keyhaven serve`: the web app and API until SIGTERM/SIGINT. */
import { loadConfig } from "../../platform/config.js";
import { createApp } from "../../http/app.js";
import { listen } from "../../http/server.js";
import { createLogger } from "../../platform/logger.js";
import { composeServer, createRuntime } from "../../app/compose.js";

export async function serveCommand(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  const runtime = await createRuntime(config, logger);
  let server;
  try {
    server = await listen(createApp(runtime, await composeServer(runtime)), runtime, config.port, config.host);
  } catch (err) {
    await runtime.close();
    throw err;
  }
  const shutdown = (signal: string) => {
    logger.info(`${signal} received, shutting down`);
    // Longer than a key test's 10 s timeout, so in-flight answers and the usage flush can finish.
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    server.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err: { message: (err as Error).message } }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  // Only now: a supervisor (or a test) that signals as soon as it reads this line must not
  // hit the default action, which kills the process without a flush.
  logger.info(`Keyhaven listening on ${server.url} (database: ${runtime.database.dialect}, ${runtime.database.location})`);
}
