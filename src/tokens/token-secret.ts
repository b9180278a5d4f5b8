/**
 * The token itself: `kh_` + 43 URL-safe characters (32 random bytes). Only its SHA-256 is
 * stored; a fast hash is enough because the token is random, not a password.
 */
import { createHash, randomBytes } from "node:crypto";

export const TOKEN_PREFIX = "kh_";
/** 32 random bytes in base64url. */
const TOKEN_BODY = /^[A-Za-z0-9_-]{43}$/;
export const PREFIX_LENGTH = 8;

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** Whether a value has a token's shape at all; anything else is refused before any lookup. */
export function isTokenShaped(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX) && TOKEN_BODY.test(value.slice(TOKEN_PREFIX.length));
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** What lists show: the first characters after `kh_`. */
export function tokenPrefix(token: string): string {
  return token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + PREFIX_LENGTH);
}
