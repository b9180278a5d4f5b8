/**
 * The session signing secret. Its own module (no better-auth import) because the runtime derives
 * it at start, and the library, which builds the runtime too, must not load better-auth.
 */
import { hkdfSync } from "node:crypto";
import type { Config } from "../platform/config.js";

/** KEYHAVEN_AUTH_SECRET, else derived from the master key once at start (never per request). */
export function resolveAuthSecret(config: Config, masterKey: Buffer): string {
  if (config.authSecret) return config.authSecret;
  return Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), "keyhaven auth secret v1", 32)).toString("base64url");
}
