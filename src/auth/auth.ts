/**
 * better-auth (email + password) on our own database and migrations. Its routes live at
 * /api/auth/*; we put our rate limits in front (see http/routes/auth.ts) and turn its own off.
 */
import { betterAuth } from "better-auth";
import { APIError } from "better-auth/api";
import { customSession } from "better-auth/plugins/custom-session";
import type { Admins } from "../admin/admins.js";
import type { Config } from "../platform/config.js";
import type { DatabaseHandle } from "../db/connect.js";
import type { Logger } from "../platform/logger.js";

import { PASSWORD_MAX, PASSWORD_MIN } from "../shared/password.js";

export { PASSWORD_MAX, PASSWORD_MIN };

export const ACCOUNT_DISABLED = "This account is disabled; an administrator can enable it again";

export function createAuth(deps: { config: Config; database: DatabaseHandle; secret: string; logger: Logger; admins: Admins }) {
  const { config, database, logger, admins } = deps;
  const secure = new URL(config.publicUrl).protocol === "https:";
  return betterAuth({
    appName: "Keyhaven",
    baseURL: config.publicUrl,
    basePath: "/api/auth",
    secret: deps.secret,
    trustedOrigins: [config.publicUrl],
    database: { db: database.db, type: database.dialect },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN,
      maxPasswordLength: PASSWORD_MAX,
      autoSignIn: true,
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    databaseHooks: {
      session: {
        create: {
          // Every sign-in (and sign-up's auto sign-in) creates a session: a disabled account gets none.
          before: async (session) => {
            if ((await admins.status(session.userId))?.disabled) throw new APIError("FORBIDDEN", { message: ACCOUNT_DISABLED });
          },
        },
      },
    },
    plugins: [
      // get-session (the web app's, and the session middleware's fallback) tells whether the
      // user is an admin, and answers no session for a disabled account whatever rows remain.
      customSession(async ({ user, session }) => {
        const status = await admins.status(user.id);
        // better-auth answers a null payload as "signed out"; its type only allows objects.
        if (!status || status.disabled) return null as unknown as { user: typeof user & { isAdmin: boolean }; session: typeof session };
        return { user: { ...user, isAdmin: status.isAdmin }, session };
      }),
    ],
    // Ours runs in every mode, per IP and per email, in the database (http/routes/auth.ts).
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    advanced: {
      // better-auth skips these checks when NODE_ENV=test; ours must hold in every mode.
      disableOriginCheck: false,
      disableCSRFCheck: false,
      useSecureCookies: secure,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure },
    },
    // Password checks over HTTP go through routes we throttle per account (http/routes/auth.ts);
    // verify-password is a bare password oracle, for server-side calls only.
    disabledPaths: ["/verify-password"],
    // An unexpected error (a database error) is thrown to our one error handler, which logs its
    // name and message through pino and answers our 500. Left to itself better-call prints it
    // with console.error: a raw stack, with query details, past the redaction.
    onAPIError: { throw: true },
    logger: {
      // Route better-auth's messages through our redacting logger; an Error among the arguments
      // is kept as name and message (no stack), anything else is dropped.
      log: (level, message, ...args) => {
        const err = args.find((a): a is Error => a instanceof Error);
        const fields = err ? { source: "better-auth", err: { name: err.name, message: err.message } } : { source: "better-auth" };
        logger[level](fields, message);
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
