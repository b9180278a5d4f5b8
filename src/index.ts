/**
 * The library's public exports (`import { apiKeyProvider, createKeyhaven } from "keyhaven"`).
 * Importing this module has no side effects: nothing is read, opened or listened to until the
 * first call.
 */
import path from "node:path";
import { loadConfig, type Config } from "./platform/config.js";
import { EXIT, StartupError } from "./platform/errors.js";
import { createLogger } from "./platform/logger.js";
import { createApiKeyProvider, type ApiKeyProvider } from "./provider/api-key-provider.js";
import { createRuntime } from "./app/compose.js";

export type {
  ApiKeyProvider,
  AWSCredentials,
  KeySource,
  RequiredKeysCheck,
  ServiceConfig,
  ServiceId,
  StringServiceId,
} from "./provider/api-key-provider.js";
export { AppError, StartupError, type ErrorCode } from "./platform/errors.js";
export { SERVICE_IDS } from "./shared/service-ids.js";

export interface KeyhavenOptions {
  /** Directory of the SQLite file (and of master.key outside production). Default: KEYHAVEN_DATA_DIR, else ./data. */
  dataDir?: string;
  /** `postgres://…` to use PostgreSQL. Default: DATABASE_URL (unset: SQLite in dataDir). */
  databaseUrl?: string;
  /** The master key, base64 of 32 bytes. Default: KEYHAVEN_MASTER_KEY, else `<dataDir>/master.key` outside production. */
  masterKey?: string;
}

export interface Keyhaven {
  apiKeyProvider: ApiKeyProvider;
  /** Writes the buffered usage counts and closes the database. Idempotent. */
  close(): Promise<void>;
}

function configFrom(options: KeyhavenOptions): Config {
  const config = loadConfig();
  if (options.dataDir !== undefined) config.dataDir = path.resolve(options.dataDir);
  if (options.databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//i.test(options.databaseUrl)) {
      throw new StartupError("databaseUrl must start with postgres:// or postgresql://", EXIT.CONFIG);
    }
    config.databaseUrl = options.databaseUrl;
  }
  if (options.masterKey !== undefined) config.masterKey = options.masterKey;
  return config;
}

/**
 * Opens Keyhaven the way the server does: migrates the database and verifies the master key
 * against the stored key check, so a wrong key is refused here (a StartupError), not at the
 * first decrypt. Call `close()` on shutdown so the last usage counts are written.
 */
export async function createKeyhaven(options: KeyhavenOptions = {}): Promise<Keyhaven> {
  const config = configFrom(options);
  const runtime = await createRuntime(config, createLogger(config.logLevel, undefined, config.logFormat));
  return {
    apiKeyProvider: createApiKeyProvider({ resolver: runtime.resolver }),
    close: () => runtime.close(),
  };
}

// The ready-made instance, configured from the environment on its first call.
let shared: Promise<Keyhaven> | undefined;
let removeShutdownHooks: (() => void) | undefined;

/**
 * Writes the last counts when the process ends: on `beforeExit`, and on SIGTERM/SIGINT, after
 * which the signal is raised again if nobody else listens to it (the default: terminate).
 * Keyhaven never calls process.exit itself.
 */
function installShutdownHooks(): void {
  const onBeforeExit = () => void closeApiKeyProvider().catch(() => {});
  const onSignal = (signal: NodeJS.Signals) => {
    void closeApiKeyProvider()
      .catch(() => {})
      .finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
  };
  process.once("beforeExit", onBeforeExit);
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  removeShutdownHooks = () => {
    process.off("beforeExit", onBeforeExit);
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  };
}

function sharedKeyhaven(): Promise<Keyhaven> {
  shared ??= createKeyhaven().then(
    (keyhaven) => {
      installShutdownHooks();
      return keyhaven;
    },
    (err) => {
      shared = undefined; // let a later call try again (e.g. the database was not up yet)
      throw err;
    },
  );
  return shared;
}

/** Closes the ready-made `apiKeyProvider` (flushing its counts); a later call opens it again. */
export async function closeApiKeyProvider(): Promise<void> {
  const current = shared;
  if (!current) return;
  shared = undefined;
  removeShutdownHooks?.();
  removeShutdownHooks = undefined;
  const keyhaven = await current.catch(() => undefined);
  await keyhaven?.close();
}

const provider = async () => (await sharedKeyhaven()).apiKeyProvider;

/**
 * A ready instance configured from the environment like the server (KEYHAVEN_DATA_DIR,
 * DATABASE_URL, KEYHAVEN_MASTER_KEY, …). The database is opened on the first call.
 */
export const apiKeyProvider: ApiKeyProvider = {
  getApiKey: async (userId, service) => (await provider()).getApiKey(userId, service),
  getOpenAIApiKey: async (userId) => (await provider()).getOpenAIApiKey(userId),
  getAnthropicApiKey: async (userId) => (await provider()).getAnthropicApiKey(userId),
  getGoogleApiKey: async (userId) => (await provider()).getGoogleApiKey(userId),
  getGroqApiKey: async (userId) => (await provider()).getGroqApiKey(userId),
  getXAIApiKey: async (userId) => (await provider()).getXAIApiKey(userId),
  getCustomApiKey: async (userId) => (await provider()).getCustomApiKey(userId),
  getApiKeys: async (userId, services) => (await provider()).getApiKeys(userId, services),
  validateRequiredKeys: async (userId, services) => (await provider()).validateRequiredKeys(userId, services),
  getServiceConfig: async (userId, service) => (await provider()).getServiceConfig(userId, service),
  getAWSCredentials: async (userId) => (await provider()).getAWSCredentials(userId),
};
