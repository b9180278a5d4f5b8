/** The API client for the saved (or environment) login, and the user a service token acts for. */
import { createApiClient, type ApiClient } from "./api-client.js";
import { envValue, type Env } from "./client-env.js";
import { resolveLogin } from "./config-file.js";

export const connect = (env: Env): ApiClient => createApiClient(resolveLogin(env));

/** `--user ID`, else KEYHAVEN_USER_ID: needed with a service token (a personal token acts for its own user). */
export const userIdFrom = (option: string | undefined, env: Env): string | undefined => option?.trim() || envValue(env, "KEYHAVEN_USER_ID");
