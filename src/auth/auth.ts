/**
 * better-auth (email + password) on our own database and migrations. Its routes live at
 * /api/auth/*; we put our rate limits in front (see http/routes/auth.ts) and turn its own off.
 */
import { betterAuth } from "better-auth";
import { APIError } from "better-auth/api";
import { createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { customSession } from "better-auth/plugins/custom-session";
import { organization } from "better-auth/plugins/organization";
import { userActor } from "../access/actor.js";
import type { TeamService } from "../teams/team-service.js";
import { isTeamRole } from "../shared/team-roles.js";
import { teamAccessControl, teamRoles } from "./team-access-control.js";
import { teamChangeOf } from "./team-events.js";
import type { Admins } from "../admin/admins.js";
import type { Config } from "../platform/config.js";
import type { DatabaseHandle } from "../db/connect.js";
import type { Logger } from "../platform/logger.js";

import { PASSWORD_MAX, PASSWORD_MIN } from "../shared/password.js";

export { PASSWORD_MAX, PASSWORD_MIN };

export const ACCOUNT_DISABLED = "This account is disabled; an administrator can enable it again";

/** How long a team invitation (its link) stays valid. */
export const INVITATION_TTL_SECONDS = 7 * 24 * 60 * 60;

/** What an invitation email needs; sent only when the server has mail configured. */
export interface InvitationToSend {
  id: string;
  email: string;
  role: string;
  teamName: string;
  inviterName: string;
  inviterEmail: string;
  expiresAt: Date;
}

export interface AuthDeps {
  config: Config;
  database: DatabaseHandle;
  secret: string;
  logger: Logger;
  admins: Admins;
  /** Team events and a deleted team's keys. */
  teams: Pick<TeamService, "recordChange" | "deleted" | "pendingInvitations" | "cancelledInvitations" | "roleOf" | "memberRole">;
  /** Sends an invitation email (KEYHAVEN_SMTP_URL); absent: invitations are shared by link only. */
  sendInvitation?: (invitation: InvitationToSend) => Promise<void>;
}

/** A role better-auth would accept but our table does not know (a list, a custom name). */
function refuseUnknownRole(role: unknown): void {
  if (!isTeamRole(role)) throw new APIError("BAD_REQUEST", { message: "role must be one of: owner, admin, member" });
}

/**
 * Only a pending invitation can be cancelled. better-auth would mark an accepted one "canceled"
 * (the person staying a member) and the log would say it was cancelled.
 */
function refuseCancellingSettled(status: string): void {
  if (status === "pending") return;
  const message =
    status === "accepted"
      ? "This invitation was already accepted: remove the member instead"
      : status === "canceled"
        ? "This invitation was already cancelled"
        : status === "rejected"
          ? "This invitation was declined"
          : "This invitation is no longer pending";
  throw new APIError("CONFLICT", { message });
}

type Body = Record<string, unknown>;
const bodyOf = (body: unknown): Body => (typeof body === "object" && body !== null ? (body as Body) : {});

export function createAuth(deps: AuthDeps) {
  const { config, database, logger, admins, teams } = deps;
  const actorOf = (user: { id: string; name?: string; email?: string }, headers?: Headers) =>
    userActor(user.id, user.name || user.email || user.id, {
      ip: null,
      userAgent: headers?.get("user-agent") ?? null,
    });
  const secure = new URL(config.publicUrl).protocol === "https:";
  // Per request: the pending invitations a new one to the same email replaces
  // (cancelPendingInvitationsOnReInvite), looked up before the route runs so their cancellation
  // is logged too once it succeeded.
  const replacedInvitations = new WeakMap<Request, string[]>();

  /**
   * Only an owner removes an owner. better-auth refuses it too, but as "You cannot leave the
   * organization as the only owner" (400), whoever the owners are.
   */
  async function refuseRemovingOwnerUnlessOwner(ctx: { body?: unknown } & Parameters<typeof getSessionFromCtx>[0]): Promise<void> {
    const { organizationId, memberIdOrEmail } = bodyOf(ctx.body);
    if (typeof organizationId !== "string" || typeof memberIdOrEmail !== "string") return;
    const session = await getSessionFromCtx(ctx);
    if (!session) return; // better-auth answers 401
    const [mine, theirs] = await Promise.all([teams.roleOf(actorOf(session.user), organizationId), teams.memberRole(organizationId, memberIdOrEmail)]);
    if (theirs === "owner" && mine !== null && mine !== "owner") throw new APIError("FORBIDDEN", { message: "Only an owner can remove an owner" });
  }
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
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === "/organization/remove-member") return refuseRemovingOwnerUnlessOwner(ctx);
        if (ctx.path !== "/organization/invite-member" && ctx.path !== "/organization/update-member-role") return;
        const body = bodyOf(ctx.body);
        // Before better-auth's own check, whose answer is "ROLE_NOT_FOUND: <role>".
        refuseUnknownRole(body.role);
        if (ctx.path === "/organization/invite-member" && ctx.request && typeof body.organizationId === "string" && typeof body.email === "string") {
          replacedInvitations.set(ctx.request, await teams.pendingInvitations(body.organizationId, body.email));
        }
      }),
      // Team changes made through the organization routes, recorded once each succeeded, with
      // the signed-in person as the actor.
      after: createAuthMiddleware(async (ctx) => {
        if (!ctx.path.startsWith("/organization/")) return;
        const returned = ctx.context.returned;
        if (returned === undefined || isAPIError(returned) || returned instanceof Response) return;
        const change = teamChangeOf(ctx.path, ctx.body, returned);
        if (!change) return;
        const session = ctx.context.session ?? (await getSessionFromCtx(ctx));
        if (!session) return;
        const actor = actorOf(session.user, ctx.headers);
        const replaced = change.action === "team.invite" && ctx.request ? (replacedInvitations.get(ctx.request) ?? []) : [];
        for (const id of await teams.cancelledInvitations(replaced)) {
          await teams.recordChange(actor, "team.invite_cancel", change.teamId, { type: "invitation", id, label: change.target?.label ?? null }, {
            reason: "invited again",
            replacedBy: change.target?.id ?? null,
          });
        }
        await teams.recordChange(actor, change.action, change.teamId, change.target, change.details);
      }),
    },
    plugins: [
      // Teams: roles from our one table; a deleted team's keys go with it.
      organization({
        ac: teamAccessControl,
        roles: teamRoles,
        creatorRole: "owner",
        invitationExpiresIn: INVITATION_TTL_SECONDS,
        cancelPendingInvitationsOnReInvite: true,
        ...(deps.sendInvitation
          ? {
              sendInvitationEmail: async (data) => {
                await deps.sendInvitation!({
                  id: data.id,
                  email: data.email,
                  role: data.role,
                  teamName: data.organization.name,
                  inviterName: data.inviter.user.name,
                  inviterEmail: data.inviter.user.email,
                  expiresAt: new Date(data.invitation.expiresAt),
                });
              },
            }
          : {}),
        organizationHooks: {
          beforeCreateInvitation: async ({ invitation }) => refuseUnknownRole(invitation.role),
          beforeUpdateMemberRole: async ({ newRole }) => refuseUnknownRole(newRole),
          beforeCancelInvitation: async ({ invitation }) => refuseCancellingSettled(invitation.status),
          afterDeleteOrganization: async ({ organization: team, user }) => {
            await teams.deleted(actorOf(user), { id: team.id, name: team.name });
          },
        },
      }),
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
