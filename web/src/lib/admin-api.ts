/**
 * The /api/admin routes, for the admin pages only. Kept out of `keyhaven/react`'s client: that
 * client is the library's public API for any app, and instance administration is the web app's.
 */
import { apiErrorFromResponse } from "../../../src/react/api-error.js";
import { ApiError } from "../keyhaven";
import type { AdminUser, CreateServiceTokenBody, CreatedToken, CreateUserBody, TokenInfo } from "../../../src/shared/api-schemas.js";

async function call<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(baseUrl + path, { method, credentials: "same-origin", headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, "NETWORK_ERROR", err instanceof Error ? err.message : "Network request failed");
  }
  if (!res.ok) throw await apiErrorFromResponse(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

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
