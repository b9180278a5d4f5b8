/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with
 * (zod 4's JSON Schema output is draft 2020-12, which OpenAPI 3.1 uses as-is).
 */
import { z } from "zod";
import {
  adminUserListSchema,
  adminUserSchema,
  backupStatusSchema,
  createServiceTokenBodySchema,
  createUserBodySchema,
  apiKeyListSchema,
  apiKeySchema,
  apiKeyWithValueSchema,
  createKeyBodySchema,
  createTokenBodySchema,
  createdTokenSchema,
  errorBodySchema,
  resolveBodySchema,
  auditListSchema,
  auditQuerySchema,
  resolveResultsSchema,
  resolvedKeySchema,
  whoamiSchema,
  tokenListSchema,
  listKeysQuerySchema,
  statsSchema,
  testKeyBodySchema,
  testResultSchema,
  updateKeyBodySchema,
  keyVersionListSchema,
  rollbackBodySchema,
  rotateBodySchema,
  teamListSchema,
  preferredTeamBodySchema,
  preferredTeamSchema,
  teamUsageSchema,
  teamUsageQuerySchema,
  exportKeysBodySchema,
  importReportSchema,
  KEYS_IMPORT_MAX_BYTES,
  PASSPHRASE_HEADER,
} from "../shared/api-schemas.js";
import { LIST_PAGE_DEFAULT, LIST_PAGE_MAX } from "../shared/list-page.js";
import { auditExportQuerySchema } from "../shared/audit-export.js";
import { KEY_FILES_PER_MINUTE, KEY_WRITES_PER_MINUTE } from "../limits/rate-limiter.js";
import { publicServiceSchema } from "../services/index.js";
import { limitOverviewSchema, limitsBodySchema, memberLimitsSchema, usageQuerySchema, usageReportSchema } from "../shared/limits.js";

const toSchema = (schema: z.ZodType, io: "input" | "output") => {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  delete json.$schema;
  return json;
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { "application/json": { schema } } });
const error = (description: string) => ({ description, ...json(ref("Error")) });

/** Query parameters from a zod object schema (its input side), with a description each. */
function queryParams(schema: z.ZodObject, descriptions: Record<string, string>) {
  const { properties = {}, required = [] } = toSchema(schema, "input") as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: "query",
    required: required.includes(name),
    schema: s,
    description: descriptions[name],
  }));
}

const listParams = queryParams(listKeysQuerySchema, {
  service: "Only keys of this service",
  limit: `Keys per page, 1–${LIST_PAGE_MAX} (default ${LIST_PAGE_DEFAULT})`,
  cursor: "`nextCursor` of the previous page (opaque; only for the same user and the same `service` filter)",
  teamId: "A team's keys instead of your own (any member; 404 for a team you are not in)",
});

const teamIdQuery = {
  name: "teamId",
  in: "query",
  required: false,
  schema: { type: "string" },
  description: "A team's keys instead of your own (any member; 404 for a team you are not in)",
};
const teamIdPath = { name: "teamId", in: "path", required: true, schema: { type: "string" }, description: "Team id" };
const sessionCommon = {
  "401": error("No session (a bearer token is not accepted here)"),
  "403": error("Cookie request from another origin"),
};
/** better-auth's organization routes: documented by name; their bodies are better-auth's own. */
const orgRoute = (summary: string, body: Record<string, string>) => ({
  post: {
    summary,
    security: [{ session: [] }],
    requestBody: json({ type: "object", required: Object.keys(body), properties: Object.fromEntries(Object.entries(body).map(([k, d]) => [k, { description: d }])) }),
    responses: {
      "200": { description: "Done (better-auth's answer)" },
      "400": error("Invalid input, or a rule of teams (the last owner cannot leave or be demoted; unknown role)"),
      "401": error("No session"),
      "403": error("Your role in the team does not allow it"),
    },
  },
});

const rateLimited = error(`More than ${KEY_WRITES_PER_MINUTE} key changes (create, update, delete) a minute; Retry-After says when to retry`);

const idParam = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "Key id (`key_…`)" };
const common = {
  "401": error("No session, or an access token that is unknown, revoked or expired"),
  "403": error("Cookie request from another origin, or a token without the scope this needs"),
};

const userIdParam = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "Account id" };
const tokenIdParam = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "Token id (`tok_…`)" };
const adminCommon = {
  "401": error("No session (a bearer token is not accepted here)"),
  "403": error("Not an instance admin, or a cookie request from another origin"),
};

export function buildOpenApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Keyhaven API",
      version: "0.1.0",
      description:
        "Self-hosted API key manager. Sign in with the /api/auth routes (cookie session); state-changing cookie requests need an Origin equal to the public URL. Errors always have the Error shape.",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        // better-auth prefixes the cookie with __Secure- when served over https.
        session: { type: "apiKey", in: "cookie", name: `${serverUrl.toLowerCase().startsWith("https:") ? "__Secure-" : ""}better-auth.session_token` },
        // An access token (kh_…) made in the web app or with POST /api/tokens: /api/api-keys* within its scopes, no Origin needed.
        bearer: { type: "http", scheme: "bearer", description: "An access token `kh_…`; its scopes decide what it may do (403 names a missing scope)" },
      },
      schemas: {
        AuditList: toSchema(auditListSchema, "output"),
        ResolvedKey: toSchema(resolvedKeySchema, "output"),
        ResolveRequest: toSchema(resolveBodySchema, "input"),
        ResolveResults: toSchema(resolveResultsSchema, "output"),
        Whoami: toSchema(whoamiSchema, "output"),
        ApiKey: toSchema(apiKeySchema, "output"),
        ApiKeyWithValue: toSchema(apiKeyWithValueSchema, "output"),
        ApiKeyList: toSchema(apiKeyListSchema, "output"),
        CreateApiKey: toSchema(createKeyBodySchema, "input"),
        UpdateApiKey: toSchema(updateKeyBodySchema, "input"),
        TestApiKey: toSchema(testKeyBodySchema, "input"),
        TestResult: toSchema(testResultSchema, "output"),
        KeyVersionList: toSchema(keyVersionListSchema, "output"),
        RollbackApiKey: toSchema(rollbackBodySchema, "input"),
        RotateApiKey: toSchema(rotateBodySchema, "input"),
        Stats: toSchema(statsSchema, "output"),
        ExportKeys: toSchema(exportKeysBodySchema, "input"),
        ImportReport: toSchema(importReportSchema, "output"),
        TeamList: toSchema(teamListSchema, "output"),
        PreferredTeamRequest: toSchema(preferredTeamBodySchema, "input"),
        PreferredTeam: toSchema(preferredTeamSchema, "output"),
        TeamUsage: toSchema(teamUsageSchema, "output"),
        LimitsBody: toSchema(limitsBodySchema, "input"),
        LimitOverview: toSchema(limitOverviewSchema, "output"),
        MemberLimits: toSchema(memberLimitsSchema, "output"),
        UsageReport: toSchema(usageReportSchema, "output"),
        Service: toSchema(publicServiceSchema, "output"),
        CreateToken: toSchema(createTokenBodySchema, "input"),
        CreatedToken: toSchema(createdTokenSchema, "output"),
        TokenList: toSchema(tokenListSchema, "output"),
        CreateServiceToken: toSchema(createServiceTokenBodySchema, "input"),
        CreateUser: toSchema(createUserBodySchema, "input"),
        AdminUser: toSchema(adminUserSchema, "output"),
        AdminUserList: toSchema(adminUserListSchema, "output"),
        BackupStatus: toSchema(backupStatusSchema, "output"),
        Error: toSchema(errorBodySchema, "output"),
      },
    },
    security: [{ session: [] }, { bearer: [] }],
    paths: {
      "/api/health": {
        get: { summary: "Health", security: [], responses: { "200": { description: "Up", ...json({ type: "object" }) } } },
      },
      "/api/services": {
        get: {
          summary: "The service catalog",
          security: [],
          responses: { "200": { description: "Services", ...json({ type: "array", items: ref("Service") }) } },
        },
      },
      "/api/api-keys": {
        get: {
          summary: "List your keys (never with values), a page at a time in the order service, newest first, id",
          description: "Follow `nextCursor` until it is null to read every key.",
          parameters: listParams,
          responses: {
            "200": { description: "A page of keys and the cursor of the next page (null on the last)", ...json(ref("ApiKeyList")) },
            "400": error("Unknown service, a limit outside 1–500, or a cursor that is malformed or from another list"),
            ...common,
          },
        },
        post: {
          summary: "Store a key (encrypted at rest)",
          requestBody: { required: true, ...json(ref("CreateApiKey")) },
          responses: {
            "201": { description: "Created", ...json(ref("ApiKey")) },
            "400": error("Validation error or INVALID_KEY_FORMAT"),
            "409": error("A key with this name exists for the service, or the per-user key limit is reached"),
            "413": error("Body over 64 KiB"),
            "429": rateLimited,
            ...common,
          },
        },
      },
      "/api/api-keys/stats": {
        get: {
          summary: "Counts and 30 days of usage (your keys, or a team's with ?teamId=)",
          parameters: [teamIdQuery],
          responses: { "200": { description: "Stats", ...json(ref("Stats")) }, "404": error("A team you are not in"), ...common },
        },
      },
      "/api/api-keys/test": {
        post: {
          summary: "Test a saved key ({keyId}) or one before saving ({service, value, config})",
          requestBody: { required: true, ...json(ref("TestApiKey")) },
          responses: {
            "200": { description: "Outcome: valid, invalid or error", ...json(ref("TestResult")) },
            "400": error("Validation error, bad format, or endpoint refused (SSRF)"),
            "404": error("No such key"),
            "429": error("More than 10 tests a minute"),
            ...common,
          },
        },
      },
      "/api/api-keys/export": {
        post: {
          summary: "Download your keys (or a team's, with teamId) as one file sealed with your passphrase",
          description:
            "The file is the backup format (docs/BACKUP-FORMAT.md) holding each key's name, service, value, description, config, isActive, isDefault, expiresAt and rotation period. Only for whoever may reveal the keys: a team's owners and admins, a token with keys:reveal. Recorded as `backup.export` before the file is sent.",
          requestBody: { required: true, ...json(ref("ExportKeys")) },
          responses: {
            "200": {
              description: "The file (`Content-Disposition: attachment; filename=\"keyhaven-keys-<date>.khbk\"`)",
              content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
            },
            "400": error("Validation error, or a passphrase under 12 characters"),
            "403": error("A team member who may not reveal the team's keys, a token without keys:reveal, or a cookie request from another origin"),
            "404": error("A team you are not in"),
            "429": error(`More than ${KEY_FILES_PER_MINUTE} exports and imports a minute`),
            "401": common["401"],
          },
        },
      },
      "/api/api-keys/import": {
        post: {
          summary: "Import a file of /api/api-keys/export into your keys (or a team's, with ?teamId=)",
          description: `The body is the file itself, so its passphrase travels in the \`${PASSPHRASE_HEADER}\` header (its UTF-8 bytes). Each key is created as by POST /api/api-keys (format checks, the key limit, a key.create event); a key whose name exists for its service is skipped, never overwritten. With dryRun=true nothing is written: the answer says what would happen. A wrong passphrase or a damaged file writes nothing.`,
          parameters: [
            { name: "dryRun", in: "query", required: false, schema: { type: "string", enum: ["true", "false"] }, description: "true: only say what would happen (default false)" },
            { ...teamIdQuery, description: "Import into this team (its owners and admins)" },
            { name: PASSPHRASE_HEADER, in: "header", required: true, schema: { type: "string" }, description: "The passphrase the file was exported with" },
          ],
          requestBody: { required: true, content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } },
          responses: {
            "200": { description: "What was (or would be) created, skipped and refused", ...json(ref("ImportReport")) },
            "400": error("Wrong passphrase, a damaged or cut file, not a keys file, no passphrase header, or not application/octet-stream"),
            "403": error("A team member (only owners and admins add team keys), a token without keys:write, or a cookie request from another origin"),
            "404": error("A team you are not in"),
            "413": error(`File over ${KEYS_IMPORT_MAX_BYTES / 2 ** 20} MiB`),
            "429": error(`More than ${KEY_FILES_PER_MINUTE} exports and imports a minute`),
            "401": common["401"],
          },
        },
      },
      "/api/api-keys/{id}": {
        get: {
          summary: "One key; ?includeValue=true adds the decrypted value",
          parameters: [idParam, { name: "includeValue", in: "query", required: false, schema: { type: "string", enum: ["true", "false"] } }],
          responses: {
            "200": { description: "The key", ...json({ oneOf: [ref("ApiKey"), ref("ApiKeyWithValue")] }) },
            "404": error("No such key (or another user's)"),
            ...common,
          },
        },
        put: {
          summary: "Change name, description, value, isActive, isDefault, expiresAt (null clears), config or rotation ({ everyDays }, null clears)",
          description: "A new value keeps the one it replaces as a version (the last 10 values are kept).",
          parameters: [idParam],
          requestBody: { required: true, ...json(ref("UpdateApiKey")) },
          responses: {
            "200": { description: "Updated", ...json(ref("ApiKey")) },
            "400": error("Validation error"),
            "404": error("No such key"),
            "409": error("Name taken"),
            "429": rateLimited,
            ...common,
          },
        },
        delete: {
          summary: "Delete a key",
          parameters: [idParam],
          responses: { "204": { description: "Deleted" }, "404": error("No such key"), "429": rateLimited, ...common },
        },
      },
      "/api/api-keys/{id}/versions": {
        get: {
          summary: "The key's values, newest first: the current one and up to 9 before it (masked, never a value)",
          parameters: [idParam],
          responses: {
            "200": { description: "Versions", ...json(ref("KeyVersionList")) },
            "404": error("No such key (or another user's)"),
            ...common,
          },
        },
      },
      "/api/api-keys/{id}/rollback": {
        post: {
          summary: "Make a previous value current again, as a new version (the value it replaces is kept as a version)",
          parameters: [idParam],
          requestBody: { required: true, ...json(ref("RollbackApiKey")) },
          responses: {
            "200": { description: "The key with its new version", ...json(ref("ApiKey")) },
            "400": error("Validation error: version missing or not a positive whole number"),
            "404": error("No such key, or no such version of this key"),
            "409": error("That version is already the current value"),
            "429": rateLimited,
            "500": error("The stored version does not decrypt (a tampered row); nothing was changed"),
            ...common,
          },
        },
      },
      "/api/api-keys/{id}/rotate": {
        post: {
          summary: "Replace the value: { value } is tested with the provider first, { automatic: true } has the provider mint one (AWS)",
          description:
            "`{ value }`: a test that says `invalid` refuses the rotation (400) and nothing changes. `{ automatic: true }` (AWS: IAM CreateAccessKey → STS check → switch → old access key deactivated, deleted after a grace period): each step is recorded as a `key.rotate` audit event; a failure at any step leaves the working key in place and the error names the step. The old value is kept as a version either way.",
          parameters: [idParam],
          requestBody: { required: true, ...json(ref("RotateApiKey")) },
          responses: {
            "200": { description: "The key with its new version and rotation dates", ...json(ref("ApiKey")) },
            "400": error("Validation error, INVALID_KEY_FORMAT, a new key the provider rejected, or automatic rotation for a service whose provider cannot create keys"),
            "404": error("No such key (or another user's)"),
            "409": error("The key's value changed while it was being rotated"),
            "429": error(`More than ${KEY_WRITES_PER_MINUTE} key changes or 10 key tests a minute`),
            "500": error("An automatic rotation failed at a step; the message names it and the key in use is unchanged"),
            ...common,
          },
        },
      },
      "/api/tokens": {
        get: {
          summary: "Your access tokens (never the token itself: its prefix)",
          security: [{ session: [] }],
          responses: { "200": { description: "Tokens, newest first", ...json(ref("TokenList")) }, ...common },
        },
        post: {
          summary: "Create an access token; the answer holds the token, shown this once",
          security: [{ session: [] }],
          requestBody: { required: true, ...json(ref("CreateToken")) },
          responses: {
            "201": { description: "Created", ...json(ref("CreatedToken")) },
            "400": error("Validation error: unknown scope, expiry not in the future, name missing or over 100 characters"),
            ...common,
          },
        },
      },
      "/api/tokens/{id}": {
        put: {
          summary: "Set (or, with null, clear) a token's gateway limits: budget in USD per day, week or month, requests and tokens per minute",
          security: [{ session: [] }],
          parameters: [{ ...idParam, description: "Token id (`tok_…`)" }],
          requestBody: { required: true, ...json(ref("LimitsBody")) },
          responses: { "200": { description: "The token with its limits" }, "400": error("Validation error"), "404": error("No such live token (or another user's)"), ...common },
        },
        delete: {
          summary: "Revoke an access token: refused by every instance from the commit on",
          security: [{ session: [] }],
          parameters: [idParam],
          responses: { "204": { description: "Revoked" }, "404": error("No such token (or another user's)"), ...common },
        },
      },
      "/api/resolve/{service}": {
        get: {
          summary: "The key to call a service with, for a user: their key, else the server's environment (counts one use, attributed to the token)",
          security: [{ bearer: [] }, { session: [] }],
          parameters: [
            { name: "service", in: "path", required: true, schema: { type: "string" }, description: "openai, anthropic, google, groq, xai, aws or custom" },
            {
              name: "userId",
              in: "query",
              required: false,
              schema: { type: "string" },
              description: "Whose key: required with a service token; a personal token may only name its own user",
            },
          ],
          responses: {
            "200": { description: "The key, its base URL and auth headers (aws: credentials and region)", ...json(ref("ResolvedKey")) },
            "400": error("Unknown service, or a service token without userId"),
            "401": error("No token (or session), or a token that is unknown, revoked or expired"),
            "403": error("A token without the resolve scope, or a personal token naming another user"),
            "404": error("Neither the user nor the server's environment has a usable key for the service"),
          },
        },
      },
      "/api/resolve": {
        post: {
          summary: "Several services at once; null for each without a key (each key handed out counts one use)",
          security: [{ bearer: [] }, { session: [] }],
          requestBody: { required: true, ...json(ref("ResolveRequest")) },
          responses: {
            "200": { description: "One answer (or null) per service named", ...json(ref("ResolveResults")) },
            "400": error("Unknown service, empty list, unknown fields, or a service token without userId"),
            "401": error("No token (or session), or a token that is unknown, revoked or expired"),
            "403": error("A token without the resolve scope, a personal token naming another user, or a cookie request from another origin"),
          },
        },
      },
      "/api/audit": {
        get: {
          summary: "Audit events, newest first: your keys, tokens and sign-ins (admins: everyone's with all=true). Never a secret.",
          security: [{ session: [] }, { bearer: [] }],
          parameters: queryParams(auditQuerySchema, {
            limit: "Events per page, 1–200 (default 50)",
            cursor: "`nextCursor` of the previous page",
            action: "Only this action (key.reveal, token.create, …)",
            keyId: "Only events about this key",
            actorId: "Only events by this user, token (tok_…) or system actor (library, cli)",
            from: "From this time (inclusive)",
            to: "Up to this time (exclusive)",
            all: "true: every user's events (instance admins only)",
          }),
          responses: {
            "200": { description: "A page of events", ...json(ref("AuditList")) },
            "400": error("Invalid filter or cursor"),
            ...common,
          },
        },
      },
      "/api/audit/export": {
        get: {
          summary:
            "Every event matching the filters (not one page), newest first, as a file to download: CSV or JSON Lines. Same access rules and scope (audit:read) as /api/audit. Never a secret.",
          security: [{ session: [] }, { bearer: [] }],
          parameters: queryParams(auditExportQuerySchema, {
            format: "csv: a header row, then one row per event (RFC 4180; a cell starting with = + - @ is prefixed with ' so spreadsheets do not run it); jsonl: one AuditEvent per line",
            action: "Only this action (key.reveal, token.create, …)",
            keyId: "Only events about this key",
            actorId: "Only events by this user, token (tok_…) or system actor (library, cli)",
            from: "From this time (inclusive)",
            to: "Up to this time (exclusive)",
            all: "true: every user's events (instance admins only)",
          }),
          responses: {
            "200": {
              description: "The file (Content-Disposition: attachment), streamed",
              content: {
                "text/csv": { schema: { type: "string" } },
                "application/x-ndjson": { schema: { type: "string", description: "One AuditEvent (JSON) per line" } },
              },
            },
            "400": error("Invalid format or filter"),
            ...common,
          },
        },
      },
      "/api/whoami": {
        get: {
          summary: "The access token this request carries: its id, kind, user and scopes (what `keyhaven login` checks)",
          security: [{ bearer: [] }],
          responses: { "200": { description: "The token", ...json(ref("Whoami")) }, "401": error("No token, or one that is unknown, revoked or expired") },
        },
      },
      "/api/admin/users": {
        get: {
          summary: "Every account, oldest first (admin only): who, since when, admin, disabled — never their keys",
          security: [{ session: [] }],
          responses: { "200": { description: "Accounts", ...json(ref("AdminUserList")) }, ...adminCommon },
        },
        post: {
          summary: "Add an account with a password (admin only; also while sign-up is closed); nobody is signed in",
          security: [{ session: [] }],
          requestBody: { required: true, ...json(ref("CreateUser")) },
          responses: {
            "201": { description: "Created", ...json(ref("AdminUser")) },
            "400": error("Validation error: email, name, password length (8–128), unknown fields"),
            "409": error("An account with this email already exists"),
            ...adminCommon,
          },
        },
      },
      "/api/admin/users/{id}/disable": {
        post: {
          summary: "Disable an account (admin only): its sessions end and its access tokens are revoked at once; sign-in is refused",
          security: [{ session: [] }],
          parameters: [userIdParam],
          responses: {
            "200": { description: "Disabled", ...json(ref("AdminUser")) },
            "404": error("No such account"),
            "409": error("Your own account: another admin can disable it"),
            ...adminCommon,
          },
        },
      },
      "/api/admin/users/{id}/enable": {
        post: {
          summary: "Enable a disabled account again (admin only); its old sessions and tokens stay ended",
          security: [{ session: [] }],
          parameters: [userIdParam],
          responses: { "200": { description: "Enabled", ...json(ref("AdminUser")) }, "404": error("No such account"), ...adminCommon },
        },
      },
      "/api/admin/tokens": {
        get: {
          summary: "The instance's service tokens (admin only; never the token itself: its prefix)",
          security: [{ session: [] }],
          responses: { "200": { description: "Service tokens, newest first", ...json(ref("TokenList")) }, ...adminCommon },
        },
        post: {
          summary: "Create a service token (admin only): it hands out any user's key (`resolve`) and nothing else; the answer holds the token, shown this once",
          security: [{ session: [] }],
          requestBody: { required: true, ...json(ref("CreateServiceToken")) },
          responses: {
            "201": { description: "Created (kind `service`)", ...json(ref("CreatedToken")) },
            "400": error("Validation error: a scope other than resolve, expiry not in the future, name missing or over 100 characters"),
            ...adminCommon,
          },
        },
      },
      "/api/admin/backups": {
        get: {
          summary: "Scheduled backups (admin only): settings, the last run, when the next is due, and an alert when the last failed or backups are overdue",
          security: [{ session: [] }],
          responses: { "200": { description: "Scheduled backups", ...json(ref("BackupStatus")) }, ...adminCommon },
        },
      },
      "/api/admin/tokens/{id}": {
        delete: {
          summary: "Revoke a service token (admin only): refused by every instance from the commit on",
          security: [{ session: [] }],
          parameters: [tokenIdParam],
          responses: { "204": { description: "Revoked" }, "404": error("No such service token"), ...adminCommon },
        },
      },
      "/api/teams": {
        get: {
          summary: "Your teams, oldest membership first: your role, sizes, and the preferred team for hand-outs",
          security: [{ session: [] }],
          responses: { "200": { description: "Teams", ...json(ref("TeamList")) }, ...sessionCommon },
        },
      },
      "/api/teams/preferred": {
        put: {
          summary: "The team whose keys your hand-outs take first among several (null: the oldest membership)",
          security: [{ session: [] }],
          requestBody: { required: true, ...json(ref("PreferredTeamRequest")) },
          responses: {
            "200": { description: "Saved", ...json(ref("PreferredTeam")) },
            "400": error("Validation error"),
            "404": error("A team you are not in"),
            ...sessionCommon,
          },
        },
      },
      "/api/teams/{teamId}/members/{userId}": {
        put: {
          summary: "Set (or clear) a member's gateway limits on their use of the team's keys (owners, admins)",
          security: [{ session: [] }],
          parameters: [teamIdPath, { name: "userId", in: "path", required: true, schema: { type: "string" }, description: "The member's user id" }],
          requestBody: { required: true, ...json(ref("LimitsBody")) },
          responses: {
            "200": { description: "The member's limits", ...json(ref("MemberLimits")) },
            "400": error("Validation error"),
            "404": error("A team you are not in, or no such member"),
            ...sessionCommon,
          },
        },
      },
      "/api/usage": {
        get: {
          summary: "Requests through the gateway: requests, tokens and cost per day, key, model or token — yours, or a team's (everyone's for its owners and admins)",
          security: [{ bearer: [] }, { session: [] }],
          parameters: queryParams(usageQuerySchema, {
            from: "Start (ISO date or date-time); default 30 days before `to`",
            to: "End (exclusive; a date means the end of that day); default now",
            groupBy: "day (default), key, model or token",
            teamId: "A team's requests instead of yours",
          }),
          responses: { "200": { description: "Usage rows; costUsd null when no request of the group had a price", ...json(ref("UsageReport")) }, "400": error("Validation error"), ...common },
        },
      },
      "/api/limits": {
        get: {
          summary: "Every gateway limit you can see (your keys and tokens, your teams' keys and members) with each budget's spend this period, and the budget alerts of the last 30 days",
          security: [{ bearer: [] }, { session: [] }],
          responses: { "200": { description: "Limits and alerts", ...json(ref("LimitOverview")) }, ...common },
        },
      },
      "/api/teams/{teamId}/usage": {
        get: {
          summary: "Hand-outs of the team's keys per member, key and day: everyone's for owners and admins, your own for members",
          security: [{ session: [] }],
          parameters: [teamIdPath, ...queryParams(teamUsageQuerySchema, { days: "Days back, 1–90 (default 30)" })],
          responses: {
            "200": { description: "Usage rows", ...json(ref("TeamUsage")) },
            "400": error("Validation error"),
            "404": error("A team you are not in"),
            ...sessionCommon,
          },
        },
      },
      "/api/auth/organization/create": orgRoute("Create a team; you are its owner (better-auth)", { name: "Team name", slug: "Unique short name" }),
      "/api/auth/organization/update": orgRoute("Rename a team (owners, admins)", { organizationId: "Team id", data: "{ name }" }),
      "/api/auth/organization/delete": orgRoute("Delete a team and all its keys (owners; audited)", { organizationId: "Team id" }),
      "/api/auth/organization/invite-member": orgRoute("Invite by email (owners, admins); the link /invite/<id> works once, for that email, for 7 days; emailed when KEYHAVEN_SMTP_URL is set", {
        email: "Who",
        role: "member, admin or owner",
        organizationId: "Team id",
      }),
      "/api/auth/organization/cancel-invitation": orgRoute("Cancel a pending invitation (owners, admins)", { invitationId: "Invitation id" }),
      "/api/auth/organization/accept-invitation": orgRoute("Join: the signed-in person must have the invited email", { invitationId: "Invitation id" }),
      "/api/auth/organization/reject-invitation": orgRoute("Decline an invitation", { invitationId: "Invitation id" }),
      "/api/auth/organization/remove-member": orgRoute("Remove a member (owners, admins): their hand-outs of team keys stop at once, on every instance", {
        memberIdOrEmail: "Member id or email",
        organizationId: "Team id",
      }),
      "/api/auth/organization/update-member-role": orgRoute("Change a member's role (owners, admins); a team always keeps an owner", {
        memberId: "Member id",
        role: "owner, admin or member",
        organizationId: "Team id",
      }),
      "/api/auth/organization/leave": orgRoute("Leave a team (not its last owner)", { organizationId: "Team id" }),
      "/api/auth/organization/list": {
        get: { summary: "Teams you belong to (better-auth's shape; /api/teams adds your role)", security: [{ session: [] }], responses: { "200": { description: "Teams" } } },
      },
      "/api/auth/organization/get-full-organization": {
        get: {
          summary: "A team with its members and invitations (members of the team)",
          security: [{ session: [] }],
          parameters: [{ name: "organizationId", in: "query", required: true, schema: { type: "string" }, description: "Team id" }],
          responses: { "200": { description: "The team" } },
        },
      },
      "/api/auth/organization/get-invitation": {
        get: {
          summary: "An invitation, for the invited person (team name, role, inviter)",
          security: [{ session: [] }],
          parameters: [{ name: "id", in: "query", required: true, schema: { type: "string" }, description: "Invitation id" }],
          responses: { "200": { description: "The invitation" } },
        },
      },
      "/api/auth/sign-up/email": {
        post: {
          summary: "Create an account (better-auth); sets the session cookie",
          security: [],
          requestBody: json({
            type: "object",
            required: ["email", "password", "name"],
            properties: { email: { type: "string" }, password: { type: "string", minLength: 8, maxLength: 128 }, name: { type: "string" } },
          }),
          responses: {
            "200": { description: "Signed up" },
            "400": error("Invalid input (password length, email, control characters)"),
            "403": error("Sign-up is closed (KEYHAVEN_SIGNUP=closed) and no team has invited this email"),
            "429": error("Rate limited"),
          },
        },
      },
      "/api/auth/sign-in/email": {
        post: {
          summary: "Sign in (better-auth); sets the session cookie",
          security: [],
          requestBody: json({ type: "object", required: ["email", "password"], properties: { email: { type: "string" }, password: { type: "string" } } }),
          responses: { "200": { description: "Signed in" }, "401": { description: "Invalid email or password" }, "429": error("Rate limited") },
        },
      },
      "/api/auth/sign-out": { post: { summary: "Sign out", responses: { "200": { description: "Signed out" } } } },
      "/api/auth/get-session": { get: { summary: "The current session or null", responses: { "200": { description: "Session" } } } },
    },
  };
}
