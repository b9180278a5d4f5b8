/**
 * The /api/admin routes, for the admin pages only. Kept out of `keyhaven/react`'s client: that
 * client is the library's public API for any app, and instance administration is the web app's.
 */
import { callApi as call } from "./api-call";
import type { AdminUser, CreateServiceTokenBody, CreatedToken, CreateUserBody, TokenInfo } from "../../../src/shared/api-schemas.js";

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
  };
}
