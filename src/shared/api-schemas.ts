/**
 * Request/response shapes of /api/api-keys: the single source for validation,
 * the OpenAPI document and the typed client (`keyhaven/react`).
 * Kept free of server-only imports so the browser bundle can use it.
 */
import { z } from "zod";
import { limitsSchema } from "./limits.js";
import { CONTROL_CHARS_MESSAGE, hasNoNul, isOneLine, isPlainText } from "./control-chars.js";
import { SERVICE_IDS, serviceIdSchema } from "./service-ids.js";
import type { KeyShape } from "./key-shapes.js";
import { LIST_PAGE_DEFAULT, LIST_PAGE_MAX } from "./list-page.js";
import { KEY_DESCRIPTION_MAX, KEY_NAME_MAX } from "./key-fields.js";
import { TOKEN_NAME_MAX, TOKEN_SCOPES } from "./token-fields.js";
import { PASSWORD_MAX, PASSWORD_MIN } from "./password.js";
import { ROTATION_EVERY_DAYS_MAX, ROTATION_EVERY_DAYS_MIN } from "./rotation.js";
import { SHARING_MODES, TEAM_ROLES } from "./team-roles.js";

export { serviceIdSchema };


export const awsValueSchema = z.object({
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  sessionToken: z.string().optional(),
});
export const keyValueSchema = z.union([z.string().max(8192), awsValueSchema], {
  error: () => "must be the key as a string (for aws: an object { accessKeyId, secretAccessKey, sessionToken? })",
});

/** ISO 8601 only ("2027-01-01T00:00:00Z", or a date "2027-01-01" = midnight UTC): no locale guessing. */
const isoDateTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: () => "must be a date (ISO 8601, e.g. 2027-01-01T00:00:00Z)",
});

export const keyConfigSchema = z.record(z.string(), z.unknown());

// The control-character rule (control-chars.ts): a name is one line; a description may span lines.
const label = (max: number) => z.string().trim().max(max).refine(isOneLine, { message: CONTROL_CHARS_MESSAGE });
const text = (max: number) => z.string().trim().max(max).refine(isPlainText, { message: CONTROL_CHARS_MESSAGE });
/** A key id as a client sends it: unknown ids are a 404 later, control characters a 400 here. */
const keyIdSchema = z.string().min(1).refine(isOneLine, { message: CONTROL_CHARS_MESSAGE });
/** A team id as a client sends it: a team the caller is not in is a 404 later. */
export const teamIdSchema = z.string().min(1, "is required").max(200).refine(isOneLine, { message: CONTROL_CHARS_MESSAGE });
export const sharingSchema = z.enum(SHARING_MODES, { error: () => `must be one of: ${SHARING_MODES.join(", ")}` });
export const teamRoleSchema = z.enum(TEAM_ROLES, { error: () => `must be one of: ${TEAM_ROLES.join(", ")}` });

export const createKeyBodySchema = z.object({
  name: label(KEY_NAME_MAX).pipe(z.string().min(1, "is required")),
  service: serviceIdSchema,
  value: keyValueSchema,
  description: text(KEY_DESCRIPTION_MAX).nullish(),
  expiresAt: isoDateTime.nullish(),
  config: keyConfigSchema.optional(),
  isActive: z.boolean().optional(),
  isDefault: z.boolean().optional(),
  /** Makes it a key of this team (owners and admins); `sharing` then says what members may do. */
  teamId: teamIdSchema.optional(),
  sharing: sharingSchema.optional(),
});

const everyDaysMessage = `must be a whole number of days from ${ROTATION_EVERY_DAYS_MIN} to ${ROTATION_EVERY_DAYS_MAX}, or null for no period`;
/** `PUT { rotation: { everyDays } }`: the rotation period in days; null clears it. */
export const rotationBodySchema = z.strictObject({
  everyDays: z
    .number({ error: () => everyDaysMessage })
    .int(everyDaysMessage)
    .min(ROTATION_EVERY_DAYS_MIN, everyDaysMessage)
    .max(ROTATION_EVERY_DAYS_MAX, everyDaysMessage)
    .nullable(),
});

export const updateKeyBodySchema = z
  .object({
    name: label(KEY_NAME_MAX).pipe(z.string().min(1, "is required")),
    description: text(KEY_DESCRIPTION_MAX).nullable(),
    value: keyValueSchema,
    isActive: z.boolean(),
    isDefault: z.boolean(),
    expiresAt: isoDateTime.nullable(),
    config: keyConfigSchema,
    rotation: rotationBodySchema,
    limits: limitsSchema.nullable(),
    service: z.never({ error: () => "cannot be changed; create a new key instead" }),
  })
  .partial();

export const testSavedKeyBodySchema = z.object({ keyId: keyIdSchema });
export const testUnsavedKeyBodySchema = z.object({ service: serviceIdSchema, value: keyValueSchema, config: keyConfigSchema.optional() });
/** Either a saved key's id, or a key to test before saving. */
export const testKeyBodySchema = z.union([testSavedKeyBodySchema, testUnsavedKeyBodySchema]);

export const testStatusSchema = z.enum(["valid", "invalid", "error"]);

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  service: serviceIdSchema,
  description: z.string().nullable(),
  maskedValue: z.string(),
  isActive: z.boolean(),
  isDefault: z.boolean(),
  isExpired: z.boolean(),
  expiresAt: z.string().nullable(),
  config: keyConfigSchema,
  usageCount: z.number().int(),
  lastUsedAt: z.string().nullable(),
  lastTestedAt: z.string().nullable(),
  lastTestStatus: testStatusSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The rotation period, when the current value is due to be replaced, and when it was set. */
  rotation: z.object({ everyDays: z.number().int().nullable(), dueAt: z.string().nullable(), lastRotatedAt: z.string().nullable() }),
  /** The team that owns the key; null for a personal key. */
  teamId: z.string().nullable(),
  /** How a team key is shared with members; null for a personal key. */
  sharing: sharingSchema.nullable(),
  /** Gateway limits: in the answer of GET /api/api-keys/:id and of a PUT that set them (lists leave them out). */
  limits: limitsSchema.nullable().optional(),
});
export const apiKeyWithValueSchema = apiKeySchema.extend({ value: keyValueSchema });
export const apiKeyListSchema = z.object({
  apiKeys: z.array(apiKeySchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

const limitMessage = `must be a whole number from 1 to ${LIST_PAGE_MAX}`;
export const CURSOR_MESSAGE = "is not a cursor of this list; start again without it";

/** The query of GET /api/api-keys. */
export const listKeysQuerySchema = z.object({
  service: serviceIdSchema.optional(),
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, limitMessage)
    .transform(Number)
    .refine((n) => n >= 1 && n <= LIST_PAGE_MAX, limitMessage)
    .optional()
    .transform((n) => n ?? LIST_PAGE_DEFAULT),
  cursor: z.string({ error: () => CURSOR_MESSAGE }).min(1, CURSOR_MESSAGE).max(512, CURSOR_MESSAGE).optional(),
  /** A team's keys instead of one's own (any member). */
  teamId: teamIdSchema.optional(),
});

/** `?teamId=` on the routes that act on a set of keys (stats, a test of an unsaved value). */
export const teamQuerySchema = z.object({ teamId: teamIdSchema.optional() });

/** One value of a key (`GET /api/api-keys/:id/versions`): never the value, its mask. */
export const keyVersionSchema = z.object({
  version: z.number().int(),
  maskedValue: z.string(),
  /** When this value became the key's value. */
  createdAt: z.string(),
  /** Who set it (a name, a token's name, or the rotation scheduler); null for values set before versions were kept. */
  createdBy: z.string().nullable(),
  current: z.boolean(),
});
export const keyVersionListSchema = z.object({ versions: z.array(keyVersionSchema) });

/** `POST /api/api-keys/:id/rollback`: the version whose value becomes current again (as a new version). */
export const rollbackBodySchema = z.strictObject({
  version: z.number({ error: () => "must be a version number" }).int("must be a version number").min(1, "must be a version number"),
});

/** `POST /api/api-keys/:id/rotate`: a new value (tested first), or an automatic rotation where the provider can mint keys. */
export const rotateBodySchema = z.union(
  [z.strictObject({ value: keyValueSchema }), z.strictObject({ automatic: z.literal(true) })],
  { error: () => "send { value } with the new key, or { automatic: true }" },
);

export const testResultSchema = z.object({
  keyId: z.string().nullable(),
  success: z.boolean(),
  status: testStatusSchema,
  message: z.string(),
  latencyMs: z.number(),
  testedAt: z.string(),
});

export const statsSchema = z.object({
  total: z.number().int(),
  active: z.number().int(),
  inactive: z.number().int(),
  expired: z.number().int(),
  expiringSoon: z.number().int(),
  totalUsage: z.number().int(),
  byService: z.record(z.string(), z.object({ total: z.number().int(), active: z.number().int(), usageCount: z.number().int() })),
  usageByDay: z.array(z.object({ date: z.string(), count: z.number().int() })),
});

/** A setting a service keeps in `config` (aws: region; custom: baseUrl, headerName, headerPrefix). */
export const configFieldSchema = z.object({
  name: z.string(),
  label: z.string(),
  required: z.boolean(),
  default: z.string().nullable(),
  description: z.string(),
});

/** What a service's key looks like, as data (see KeyShape in key-shapes.ts). */
export const keyShapeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("prefixed"), prefix: z.string(), bodyLength: z.number().int().nullable() }),
  z.object({ kind: z.literal("aws"), accessKeyIdPrefixes: z.array(z.string()) }),
  z.object({ kind: z.literal("any") }),
]) satisfies z.ZodType<KeyShape>;

/** One entry of `GET /api/services`. */
export const publicServiceSchema = z.object({
  id: z.enum(SERVICE_IDS),
  label: z.string(),
  valueKind: z.enum(["string", "aws"]),
  formatHint: z.string(),
  keyPageUrl: z.string().nullable(),
  /** Fallback variables in order; for aws one per credential part. */
  envVars: z.union([
    z.array(z.string()),
    z.object({ accessKeyId: z.string(), secretAccessKey: z.string(), sessionToken: z.string(), region: z.string() }),
  ]),
  defaultBaseUrl: z.string().nullable(),
  configFields: z.array(configFieldSchema),
  keyShape: keyShapeSchema,
});

/** What an access token may do, and its name's length: token-fields.ts (zod-free, for the browser). */
export { TOKEN_NAME_MAX, TOKEN_SCOPES };
export const tokenScopeSchema = z.enum(TOKEN_SCOPES, { error: () => `must be one of: ${TOKEN_SCOPES.join(", ")}` });

export const createTokenBodySchema = z.strictObject({
  name: label(TOKEN_NAME_MAX).pipe(z.string().min(1, "is required")),
  scopes: z.array(tokenScopeSchema).min(1, "name at least one scope").max(TOKEN_SCOPES.length),
  expiresAt: isoDateTime.nullish(),
});

export const tokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["personal", "service"]),
  /** The first 8 characters after `kh_`: enough to recognise a token, useless to use it. */
  prefix: z.string(),
  scopes: z.array(tokenScopeSchema),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

/** The answer to a token's creation: the token itself, shown this once, and its description. */
export const createdTokenSchema = z.object({ token: z.string(), accessToken: tokenInfoSchema });
export const tokenListSchema = z.object({ tokens: z.array(tokenInfoSchema) });

/** A user id as a service token names it (`?userId=`, or `userId` in a batch). */
export const userIdSchema = z.string().min(1, "is required").max(200).refine(isOneLine, { message: CONTROL_CHARS_MESSAGE });
export const resolveQuerySchema = z.object({ userId: userIdSchema.optional() });
/** A batch names each service once or more (answered once); a few more than there are services is plenty. */
export const resolveBodySchema = z.strictObject({
  userId: userIdSchema.optional(),
  services: z.array(serviceIdSchema).min(1, "name at least one service").max(SERVICE_IDS.length * 2),
});

/** What a hand-out over HTTP answers: the library's getServiceConfig, plus the key's id and, for aws, the credentials. */
export const resolvedKeySchema = z.object({
  service: serviceIdSchema,
  apiKey: z.string(),
  baseUrl: z.string(),
  headers: z.record(z.string(), z.string()),
  source: z.enum(["user", "team", "env"]),
  /** The stored key handed out; null for the environment's. */
  keyId: z.string().nullable(),
  teamId: z.string().optional(),
  region: z.string().optional(),
  credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string(), sessionToken: z.string().optional() }).optional(),
});
export const resolveResultsSchema = z.object({ results: z.record(z.string(), resolvedKeySchema.nullable()) });

/** Who a bearer token is (`GET /api/whoami`): what the CLI shows after `login`. */
export const whoamiSchema = z.object({
  tokenId: z.string(),
  kind: z.enum(["personal", "service"]),
  userId: z.string().nullable(),
  name: z.string(),
  scopes: z.array(tokenScopeSchema),
});

/** One audit event as the API shows it: who did what to what, from where. Never a secret. */
export const auditEventSchema = z.object({
  id: z.string(),
  /** The event's place in the tamper-evident chain (1, 2, …). */
  seq: z.number(),
  at: z.string(),
  action: z.string(),
  actor: z.object({ type: z.enum(["user", "token", "system"]), id: z.string(), label: z.string() }),
  target: z.object({ type: z.string(), id: z.string(), label: z.string().nullable() }).nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const auditListSchema = z.object({ events: z.array(auditEventSchema), nextCursor: z.string().nullable() });
export const AUDIT_PAGE_MAX = 200;
const oneLineFilter = z.string().min(1).max(200).refine(isOneLine, { message: CONTROL_CHARS_MESSAGE });
export const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
  cursor: oneLineFilter.optional(),
  action: oneLineFilter.optional(),
  keyId: oneLineFilter.optional(),
  /** An actor's id: a user id, a token id, or `library` / `cli`. */
  actorId: oneLineFilter.optional(),
  /** From this time on (inclusive). */
  from: isoDateTime.optional(),
  /** Up to this time (exclusive). */
  to: isoDateTime.optional(),
  /** Instance admins: every user's events, not only their own. */
  all: z.enum(["true", "false"], { error: () => "must be true or false" }).optional(),
  /** Only this team's events (its owners and admins). */
  teamId: oneLineFilter.optional(),
});

/**
 * The scopes a service token can use: the policy lets one only hand out keys (`key.use`), so
 * any other scope would be a promise it never keeps.
 */
export const SERVICE_TOKEN_SCOPES = ["resolve"] as const satisfies readonly TokenScope[];
export const createServiceTokenBodySchema = createTokenBodySchema.extend({
  scopes: z
    .array(z.enum(SERVICE_TOKEN_SCOPES, { error: () => `a service token can only have: ${SERVICE_TOKEN_SCOPES.join(", ")}` }))
    .min(1, "name at least one scope")
    .max(SERVICE_TOKEN_SCOPES.length),
});

export const USER_NAME_MAX = 100;
export const EMAIL_MAX = 254;

/** `POST /api/admin/users`: an admin adds an account (also while sign-up is closed). */
export const createUserBodySchema = z.strictObject({
  email: z.string().trim().toLowerCase().max(EMAIL_MAX).pipe(z.email("must be an email address")),
  name: label(USER_NAME_MAX).pipe(z.string().min(1, "is required")),
  password: z
    .string()
    .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
    .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`)
    .refine(hasNoNul, { message: CONTROL_CHARS_MESSAGE }),
});

/** An account as an admin sees it: who, since when, whether usable — never their keys. */
export const adminUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  createdAt: z.string(),
  disabled: z.boolean(),
  disabledAt: z.string().nullable(),
  isAdmin: z.boolean(),
});
export const adminUserListSchema = z.object({ users: z.array(adminUserSchema) });

/** One scheduled backup run (`GET /api/admin/backups`); `file` is a name in the backup dir. */
export const backupRunSchema = z.object({
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  status: z.enum(["running", "ok", "failed"]),
  file: z.string().nullable(),
  bytes: z.number().int().nullable(),
  rows: z.number().int().nullable(),
  /** Why it failed, in one line. */
  error: z.string().nullable(),
});

/** The server's scheduled backups (KEYHAVEN_BACKUP_DIR): settings, the last run, and what needs attention. */
export const backupStatusSchema = z.object({
  enabled: z.boolean(),
  /** The directory, the interval and how many files are kept (null when scheduled backups are off). */
  dir: z.string().nullable(),
  everyHours: z.number().int().nullable(),
  keep: z.number().int().nullable(),
  last: backupRunSchema.nullable(),
  /** When the next backup is due (null when off). */
  nextDueAt: z.string().nullable(),
  /** A failed last backup, one that never finished, or backups overdue; null when all is well (or off). */
  alert: z.string().nullable(),
});

/** A team the caller belongs to (`GET /api/teams`). */
export const teamSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  /** The caller's role in it. */
  role: teamRoleSchema,
  memberCount: z.number().int(),
  keyCount: z.number().int(),
  /** When the caller joined. */
  joinedAt: z.string(),
  /** The team whose keys the caller's hand-outs use first, among several. */
  preferred: z.boolean(),
});
export const teamListSchema = z.object({ teams: z.array(teamSummarySchema), preferredTeamId: z.string().nullable() });

/** `PUT /api/teams/preferred`: null goes back to the oldest membership. */
export const preferredTeamBodySchema = z.strictObject({ teamId: teamIdSchema.nullable() });
export const preferredTeamSchema = z.object({ preferredTeamId: z.string().nullable() });

export const TEAM_USAGE_DAYS_MAX = 90;
const usageDaysMessage = `must be a whole number of days from 1 to ${TEAM_USAGE_DAYS_MAX}`;
export const teamUsageQuerySchema = z.strictObject({
  days: z
    .string()
    .regex(/^[0-9]{1,3}$/, usageDaysMessage)
    .transform(Number)
    .refine((n) => n >= 1 && n <= TEAM_USAGE_DAYS_MAX, usageDaysMessage)
    .optional()
    .transform((n) => n ?? 30),
});
/** Hand-outs of a team's keys per member, key and day (`GET /api/teams/:teamId/usage`). */
export const teamUsageRowSchema = z.object({
  date: z.string(),
  keyId: z.string(),
  keyName: z.string(),
  service: serviceIdSchema,
  userId: z.string(),
  /** The member's name and email; null once the account is gone. */
  userName: z.string().nullable(),
  userEmail: z.string().nullable(),
  count: z.number().int(),
});
export const teamUsageSchema = z.object({
  teamId: z.string(),
  /** "all": every member's use (owners, admins); "own": the caller's own (members). */
  scope: z.enum(["all", "own"]),
  days: z.number().int(),
  rows: z.array(teamUsageRowSchema),
});

/**
 * `POST /api/api-keys/export`: the passphrase the file is sealed with (its minimum length is the
 * backup format's, checked by the server) and, for a team's keys, the team.
 */
export const exportKeysBodySchema = z.strictObject({
  passphrase: z.string({ error: () => "is required" }).min(1, "is required").max(1024, "must be at most 1024 characters"),
  teamId: teamIdSchema.optional(),
});

/** The header that carries an import's passphrase: the request body is the file itself. */
export const PASSPHRASE_HEADER = "x-keyhaven-passphrase";
/** The largest file `POST /api/api-keys/import` reads (the other routes take 64 KiB of JSON). */
export const KEYS_IMPORT_MAX_BYTES = 8 * 1024 * 1024;

/** `POST /api/api-keys/import?dryRun=&teamId=`: dryRun=true only says what would happen. */
export const importKeysQuerySchema = z.strictObject({
  dryRun: z
    .enum(["true", "false"], { error: () => "must be true or false" })
    .optional()
    .transform((v) => v === "true"),
  teamId: teamIdSchema.optional(),
});

const importedKeySchema = z.object({ name: z.string(), service: z.string() });
/** What an import did (or, with dryRun, would do) with each key of the file. */
export const importReportSchema = z.object({
  created: z.array(importedKeySchema),
  /** A key of that name and service exists already (or came earlier in the file). */
  skipped: z.array(importedKeySchema.extend({ reason: z.literal("duplicate name") })),
  /** Not accepted as a key here: the reason says why (format, expired, limit, …). */
  refused: z.array(importedKeySchema.extend({ reason: z.string() })),
});

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export type ServiceIdValue = z.infer<typeof serviceIdSchema>;
export type AwsValue = z.infer<typeof awsValueSchema>;
export type CreateKeyBody = z.infer<typeof createKeyBodySchema>;
export type UpdateKeyBody = z.infer<typeof updateKeyBodySchema>;
export type TestKeyBody = z.infer<typeof testKeyBodySchema>;
export type ApiKey = z.infer<typeof apiKeySchema>;
export type ApiKeyWithValue = z.infer<typeof apiKeyWithValueSchema>;
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;
export type KeyVersion = z.infer<typeof keyVersionSchema>;
export type KeyVersionList = z.infer<typeof keyVersionListSchema>;
export type RotateKeyBody = z.infer<typeof rotateBodySchema>;
export type RollbackKeyBody = z.infer<typeof rollbackBodySchema>;
export type TestResult = z.infer<typeof testResultSchema>;
export type KeyStats = z.infer<typeof statsSchema>;
export type ConfigFieldInfo = z.infer<typeof configFieldSchema>;
export type PublicService = z.infer<typeof publicServiceSchema>;
export type ErrorBody = z.infer<typeof errorBodySchema>;
export type TokenScope = z.infer<typeof tokenScopeSchema>;
export type CreateTokenBody = z.infer<typeof createTokenBodySchema>;
export type TokenInfo = z.infer<typeof tokenInfoSchema>;
export type ResolveBody = z.infer<typeof resolveBodySchema>;
export type ResolvedKeyAnswer = z.infer<typeof resolvedKeySchema>;
export type Whoami = z.infer<typeof whoamiSchema>;
export type AuditEvent = z.infer<typeof auditEventSchema>;
export type AuditList = z.infer<typeof auditListSchema>;
export type AuditQuery = z.infer<typeof auditQuerySchema>;
export type CreatedToken = z.infer<typeof createdTokenSchema>;
export type CreateServiceTokenBody = z.infer<typeof createServiceTokenBodySchema>;
export type CreateUserBody = z.infer<typeof createUserBodySchema>;
export type AdminUser = z.infer<typeof adminUserSchema>;
export type AdminUserList = z.infer<typeof adminUserListSchema>;
export type BackupRunView = z.infer<typeof backupRunSchema>;
export type BackupStatus = z.infer<typeof backupStatusSchema>;
export type TeamSummary = z.infer<typeof teamSummarySchema>;
export type TeamList = z.infer<typeof teamListSchema>;
export type PreferredTeamBody = z.infer<typeof preferredTeamBodySchema>;
export type TeamUsage = z.infer<typeof teamUsageSchema>;
export type TeamUsageRow = z.infer<typeof teamUsageRowSchema>;
export type ExportKeysBody = z.infer<typeof exportKeysBodySchema>;
export type ImportKeysQuery = z.infer<typeof importKeysQuerySchema>;
export type ImportReport = z.infer<typeof importReportSchema>;
