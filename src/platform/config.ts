/**
 * Every environment variable Keyhaven reads, in one place, validated.
 * Nothing else in the code base touches `process.env`.
 */
import path from "node:path";
import { EXIT, StartupError } from "./errors.js";
import { escapeControlChars } from "./logger.js";
import { assertHeaderSafe, parseMailbox } from "./mail-message.js";
import { parseSmtpUrl } from "./smtp-url.js";
import { listServices } from "../services/catalog.js";
import type { ServiceId } from "../shared/service-ids.js";

export type Env = Record<string, string | undefined>;

/** Every environment-fallback variable name, from the service catalog (the one place they are listed). */
const fallbackEnvNames = (): string[] =>
  listServices().flatMap((s): string[] => (s.valueKind === "aws" ? Object.values(s.envVars) : [...s.envVars]));

export interface Config {
  nodeEnv: string;
  isProduction: boolean;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  /** Raw base64 text of KEYHAVEN_MASTER_KEY; parsed by the crypto module. */
  masterKey?: string;
  masterKeyVersion: number;
  /**
   * KEYHAVEN_PREVIOUS_MASTER_KEYS (`version:base64,…`): older master keys that still unwrap data
   * keys during and until the end of a rotation. Raw base64 text; parsed by the crypto module.
   */
  previousMasterKeys: { version: number; key: string }[];
  publicUrl: string;
  authSecret?: string;
  logLevel: string;
  /** "pretty" (one readable line per event) or "json" (one JSON object per line, for collectors). */
  logFormat: "pretty" | "json";
  /** KEYHAVEN_<SERVICE>_BASE_URL overrides for the built-in services. */
  baseUrlOverrides: Partial<Record<ServiceId, string>>;
  allowPrivateEndpoints: boolean;
  /** Hosts a custom endpoint may reach over plain http. */
  allowHttpHosts: string[];
  usageFlushIntervalMs: number;
  /** Take the client IP from X-Forwarded-For (only behind a proxy you control). */
  trustProxy: boolean;
  /** How many API keys one owner may store; one more is a 409. */
  maxKeysPerOwner: number;
  /** KEYHAVEN_SIGNUP: "open" lets anyone create an account; "closed" refuses sign-up (403). */
  signup: "open" | "closed";
  /** KEYHAVEN_ADMIN_EMAILS, lower-cased; empty: the first account created is the instance admin. */
  adminEmails: string[];
  /** KEYHAVEN_AUDIT_RETENTION_DAYS: audit events older than this many days are pruned; null keeps them forever. */
  auditRetentionDays: number | null;
  /** The fallback values, read once: variable name → value. */
  fallbackEnv: Record<string, string | undefined>;
  /** KEYHAVEN_AWS_IAM_BASE_URL: where AWS rotation sends its IAM calls (default https://iam.amazonaws.com). */
  awsIamBaseUrl?: string;
  /** KEYHAVEN_AWS_ROTATION_GRACE_HOURS: how long a rotated-out AWS access key lives (inactive) before it is deleted. */
  awsRotationGraceHours: number;
  /**
   * KEYHAVEN_SMTP_URL (`smtp://[user:pass@]host[:port][?starttls=never|required]` or `smtps://…`),
   * for createMailer; unset: no email is sent (team invitations are by link only).
   */
  smtpUrl?: string;
  /** KEYHAVEN_MAIL_FROM: the sender of Keyhaven's mail, `Name <address>` or an address. */
  mailFrom: string;
  /**
   * Scheduled backups by the server (backup/backup-scheduler.ts); null when KEYHAVEN_BACKUP_DIR
   * is unset. The passphrase file's path only: the server reads it at start (backup-passphrase-file.ts).
   */
  backup: BackupSettings | null;
  gateway: GatewaySettings;
}

/** The gateway (gateway/): how long it waits upstream, what it reads, what it prices. */
export interface GatewaySettings {
  /** KEYHAVEN_GATEWAY_TIMEOUT_MS: the longest wait for the upstream's answer to start, and between two of its chunks (default 120 s). */
  timeoutMs: number;
  /** KEYHAVEN_GATEWAY_MAX_REQUEST_MS: the longest a whole request may take, streams included (default 15 min); a reservation is stale after it. */
  maxRequestMs: number;
  /** KEYHAVEN_GATEWAY_MAX_BODY_BYTES: the largest JSON request body read (and metered); larger bodies are refused with 413 (default 32 MiB). */
  maxBodyBytes: number;
  /** KEYHAVEN_PRICES_FILE, absolute: the operator's prices, over the built-in table. */
  pricesFile: string | null;
  /** KEYHAVEN_GATEWAY_ALLOW_UNPRICED: a key with a budget may call models without a price (recorded with cost null). */
  allowUnpriced: boolean;
  /** KEYHAVEN_ALERT_WEBHOOK_URL: budget alerts are also POSTed here (Slack-compatible `{ text }`). */
  alertWebhookUrl: string | null;
}

export interface BackupSettings {
  /** KEYHAVEN_BACKUP_DIR, absolute. */
  dir: string;
  /** KEYHAVEN_BACKUP_EVERY_HOURS (default 24). */
  everyHours: number;
  /** KEYHAVEN_BACKUP_KEEP: how many of its backup files the server keeps in the dir (default 7). */
  keep: number;
  /** KEYHAVEN_BACKUP_PASSPHRASE_FILE, absolute: the passphrase is its first line. */
  passphraseFile: string;
}

const configError = (message: string) => new StartupError(message, EXIT.CONFIG);

function parseInteger(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw configError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return n;
}

function parseBoolean(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === "") return false;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw configError(`${name} must be true or false (got "${raw}")`);
}

function parseUrl(name: string, raw: string, protocols: string[]): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw configError(`${name} must start with ${protocols.map((p) => p + "//").join(" or ")}`);
  }
  return raw.replace(/\/+$/, "");
}

function parseLogFormat(raw: string | undefined, preferJson: boolean): Config["logFormat"] {
  if (raw === undefined || raw.trim() === "") return preferJson ? "json" : "pretty";
  if (raw === "json" || raw === "pretty") return raw;
  throw configError(`LOG_FORMAT must be json or pretty (got "${raw}")`);
}

function parseSignup(raw: string | undefined): Config["signup"] {
  const value = raw?.trim().toLowerCase() || "open";
  if (value === "open" || value === "closed") return value;
  throw configError(`KEYHAVEN_SIGNUP must be open or closed (got "${raw}")`);
}

/** Comma-separated emails, compared case-insensitively (better-auth stores emails lower-cased). */
function parseAdminEmails(raw: string | undefined): string[] {
  const emails = (raw ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  const bad = emails.find((e) => !/^[^\s@]+@[^\s@]+$/.test(e));
  if (bad !== undefined) throw configError(`KEYHAVEN_ADMIN_EMAILS must be emails separated by commas (got "${bad}")`);
  return [...new Set(emails)];
}

/** "forever" keeps every event; 0 is refused rather than guessed ("keep nothing" or "keep all"?). */
function parseRetentionDays(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === "") return 365;
  if (raw.trim().toLowerCase() === "forever") return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 36_500) {
    throw configError(`KEYHAVEN_AUDIT_RETENTION_DAYS must be a whole number of days from 1 to 36500, or "forever" (got "${raw}")`);
  }
  return n;
}

/** Checked here so a typo stops the start, not the first invitation. Never echoed: it may hold a password. */
function parseSmtpUrlVariable(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  const parsed = parseSmtpUrl(value);
  if (!parsed.ok) throw configError(`KEYHAVEN_SMTP_URL ${parsed.problem}`);
  return value;
}

/** Default: Keyhaven <keyhaven@the public URL's host name>. */
function parseMailFrom(raw: string | undefined, publicUrl: string): string {
  const value = raw?.trim();
  if (!value) return `Keyhaven <keyhaven@${new URL(publicUrl).hostname.replace(/^\[.*\]$/, "localhost")}>`;
  const bad = () => configError(`KEYHAVEN_MAIL_FROM must be an email address, or a name and one: Keyhaven <keyhaven@example.com> (got "${escapeControlChars(value)}")`);
  try {
    assertHeaderSafe("sender", value);
  } catch {
    throw bad();
  }
  if (!parseMailbox(value)) throw bad();
  return value;
}

/** Scheduled backups: off unless KEYHAVEN_BACKUP_DIR is set, and then a passphrase file is required. */
function parseBackup(env: Env, cwd: string): BackupSettings | null {
  const dir = env.KEYHAVEN_BACKUP_DIR?.trim();
  const everyHours = parseInteger("KEYHAVEN_BACKUP_EVERY_HOURS", env.KEYHAVEN_BACKUP_EVERY_HOURS, 24, 1, 8760);
  const keep = parseInteger("KEYHAVEN_BACKUP_KEEP", env.KEYHAVEN_BACKUP_KEEP, 7, 1, 1000);
  if (!dir) return null;
  const passphraseFile = env.KEYHAVEN_BACKUP_PASSPHRASE_FILE?.trim();
  if (!passphraseFile) {
    throw configError("KEYHAVEN_BACKUP_PASSPHRASE_FILE is required when KEYHAVEN_BACKUP_DIR is set: a file whose first line is the passphrase the backups are encrypted under");
  }
  return { dir: path.resolve(cwd, dir), everyHours, keep, passphraseFile: path.resolve(cwd, passphraseFile) };
}

const PREVIOUS_KEYS = "KEYHAVEN_PREVIOUS_MASTER_KEYS";

/**
 * `version:base64,…`, each version older than the current one and listed once. Errors name the
 * entry by its position and version only: the text may hold a real key, so it is never echoed.
 */
function parsePreviousMasterKeys(raw: string | undefined, currentVersion: number): Config["previousMasterKeys"] {
  const entries = (raw ?? "").split(",").map((e) => e.trim());
  if (entries.every((e) => e === "")) return [];
  const seen = new Set<number>();
  return entries.map((entry, i) => {
    const colon = entry.indexOf(":");
    const versionText = colon > 0 ? entry.slice(0, colon).trim() : "";
    const key = colon > 0 ? entry.slice(colon + 1).trim() : "";
    if (!/^[1-9][0-9]{0,6}$/.test(versionText) || key === "") {
      throw configError(`${PREVIOUS_KEYS} entry ${i + 1} must be version:base64-key (e.g. 1:<the old KEYHAVEN_MASTER_KEY>), entries separated by commas`);
    }
    const version = Number(versionText);
    if (version >= currentVersion) {
      throw configError(`${PREVIOUS_KEYS} lists version ${version}, but previous keys must be older than KEYHAVEN_MASTER_KEY_VERSION (${currentVersion})`);
    }
    if (seen.has(version)) throw configError(`${PREVIOUS_KEYS} lists version ${version} twice`);
    seen.add(version);
    return { version, key };
  });
}

export function loadConfig(env: Env = process.env, cwd = process.cwd(), stdoutIsTerminal = Boolean(process.stdout.isTTY)): Config {
  const nodeEnv = env.NODE_ENV ?? "development";
  const port = parseInteger("PORT", env.PORT, 3000, 0, 65535);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const masterKeyVersion = parseInteger("KEYHAVEN_MASTER_KEY_VERSION", env.KEYHAVEN_MASTER_KEY_VERSION, 1, 1, 1_000_000);
  if (databaseUrl) parseUrl("DATABASE_URL", databaseUrl, ["postgres:", "postgresql:"]);

  const publicUrl = env.KEYHAVEN_PUBLIC_URL?.trim()
    ? parseUrl("KEYHAVEN_PUBLIC_URL", env.KEYHAVEN_PUBLIC_URL.trim(), ["http:", "https:"])
    : `http://localhost:${port}`;

  const baseUrlOverrides: Config["baseUrlOverrides"] = {};
  for (const { id, baseUrlEnvVar } of listServices()) {
    const raw = baseUrlEnvVar ? env[baseUrlEnvVar]?.trim() : undefined;
    if (baseUrlEnvVar && raw) baseUrlOverrides[id] = parseUrl(baseUrlEnvVar, raw, ["https:", "http:"]);
  }

  const fallbackEnv: Record<string, string | undefined> = {};
  for (const name of fallbackEnvNames()) fallbackEnv[name] = env[name]?.trim() || undefined;

  return {
    nodeEnv,
    isProduction: nodeEnv === "production",
    port,
    host: env.HOST?.trim() || "127.0.0.1",
    dataDir: path.resolve(cwd, env.KEYHAVEN_DATA_DIR?.trim() || "./data"),
    databaseUrl,
    masterKey: env.KEYHAVEN_MASTER_KEY?.trim() || undefined,
    masterKeyVersion,
    previousMasterKeys: parsePreviousMasterKeys(env[PREVIOUS_KEYS], masterKeyVersion),
    publicUrl,
    authSecret: env.KEYHAVEN_AUTH_SECRET?.trim() || undefined,
    logLevel: env.LOG_LEVEL?.trim() || (nodeEnv === "test" ? "silent" : "info"),
    logFormat: parseLogFormat(env.LOG_FORMAT, nodeEnv === "production" || !stdoutIsTerminal),
    baseUrlOverrides,
    allowPrivateEndpoints: parseBoolean("KEYHAVEN_ALLOW_PRIVATE_ENDPOINTS", env.KEYHAVEN_ALLOW_PRIVATE_ENDPOINTS),
    allowHttpHosts: (env.KEYHAVEN_ALLOW_HTTP_HOSTS ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    usageFlushIntervalMs: parseInteger("KEYHAVEN_USAGE_FLUSH_MS", env.KEYHAVEN_USAGE_FLUSH_MS, 1000, 10, 1000),
    trustProxy: parseBoolean("KEYHAVEN_TRUST_PROXY", env.KEYHAVEN_TRUST_PROXY),
    maxKeysPerOwner: parseInteger("KEYHAVEN_MAX_KEYS_PER_OWNER", env.KEYHAVEN_MAX_KEYS_PER_OWNER, 500, 1, 100_000),
    signup: parseSignup(env.KEYHAVEN_SIGNUP),
    adminEmails: parseAdminEmails(env.KEYHAVEN_ADMIN_EMAILS),
    auditRetentionDays: parseRetentionDays(env.KEYHAVEN_AUDIT_RETENTION_DAYS),
    fallbackEnv,
    awsIamBaseUrl: env.KEYHAVEN_AWS_IAM_BASE_URL?.trim()
      ? parseUrl("KEYHAVEN_AWS_IAM_BASE_URL", env.KEYHAVEN_AWS_IAM_BASE_URL.trim(), ["https:", "http:"])
      : undefined,
    awsRotationGraceHours: parseInteger("KEYHAVEN_AWS_ROTATION_GRACE_HOURS", env.KEYHAVEN_AWS_ROTATION_GRACE_HOURS, 24, 0, 8760),
    smtpUrl: parseSmtpUrlVariable(env.KEYHAVEN_SMTP_URL),
    mailFrom: parseMailFrom(env.KEYHAVEN_MAIL_FROM, publicUrl),
    backup: parseBackup(env, cwd),
    gateway: {
      timeoutMs: parseInteger("KEYHAVEN_GATEWAY_TIMEOUT_MS", env.KEYHAVEN_GATEWAY_TIMEOUT_MS, 120_000, 100, 3_600_000),
      maxRequestMs: parseInteger("KEYHAVEN_GATEWAY_MAX_REQUEST_MS", env.KEYHAVEN_GATEWAY_MAX_REQUEST_MS, 900_000, 1_000, 86_400_000),
      maxBodyBytes: parseInteger("KEYHAVEN_GATEWAY_MAX_BODY_BYTES", env.KEYHAVEN_GATEWAY_MAX_BODY_BYTES, 32 * 2 ** 20, 1024, 2 ** 30),
      pricesFile: env.KEYHAVEN_PRICES_FILE?.trim() ? path.resolve(cwd, env.KEYHAVEN_PRICES_FILE.trim()) : null,
      allowUnpriced: parseBoolean("KEYHAVEN_GATEWAY_ALLOW_UNPRICED", env.KEYHAVEN_GATEWAY_ALLOW_UNPRICED),
      alertWebhookUrl: env.KEYHAVEN_ALERT_WEBHOOK_URL?.trim()
        ? parseUrl("KEYHAVEN_ALERT_WEBHOOK_URL", env.KEYHAVEN_ALERT_WEBHOOK_URL.trim(), ["https:", "http:"])
        : null,
    },
  };
}

/** `postgres://user:secret@db:5432/app` → `db:5432/app`, for messages that must not leak the password. */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "the configured DATABASE_URL";
  }
}
