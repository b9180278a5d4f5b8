/**
 * The /api/admin routes, for the admin pages only. Kept out of `keyhaven/react`'s client: that
 * client is the library's public API for any app, and instance administration is the web app's.
 */
import { callApi as call } from "./api-call";
import type { AdminUser, AuditEvent, AuditList, BackupStatus, CreateServiceTokenBody, CreatedToken, CreateUserBody, TokenInfo } from "../../../src/shared/api-schemas.js";

const id = (value: string) => encodeURIComponent(value);

export function adminApi(baseUrl: string) {
  return {
    listUsers: async () => (await call<{ users: AdminUser[] }>(baseUrl, "GET", "/api/admin/users")).users,
    createUser: (body: CreateUserBody) => call<AdminUser>(baseUrl, "POST", "/api/admin/users", body),
    disableUser: (userId: string) => call<AdminUser>(baseUrl, "POST", `/api/admin/users/${id(userId)}/disable`),
    enableUser: (userId: string) => call<AdminUser>(baseUrl, "POST", `/api/admin/users/${id(userId)}/enable`),
    listServiceTokens: async () => (await call<{ tokens: TokenInfo[] }>(baseUrl, "GET", "/api/admin/tokens")).tokens,
    createServiceToken: (body: CreateServiceTokenBody) => call<CreatedToken>(baseUrl, "POST", "/api/admin/tokens", body),
    revokeServiceToken: (tokenId: string) => call<void>(baseUrl, "DELETE", `/api/admin/tokens/${id(tokenId)}`),
    backupStatus: () => call<BackupStatus>(baseUrl, "GET", "/api/admin/backups"),
    /** The scheduled backups written and verified, newest first: each one's audit event. */
    backupHistory: async (limit: number): Promise<AuditEvent[]> => {
      const query = new URLSearchParams({ action: "backup.export", all: "true", limit: String(limit) });
      const { events } = await call<AuditList>(baseUrl, "GET", `/api/audit?${query.toString()}`);
      // The same action records people's own key exports and the CLI's backups.
      return events.filter((e) => e.details.scheduled === true);
    },
  };
}
