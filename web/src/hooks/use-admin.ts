import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { useKeyhaven } from "../keyhaven";
import { adminApi } from "../lib/admin-api";

/** Under the same "keyhaven" root as the library's keys, so signing out forgets them too. */
const adminKeys = {
  users: (baseUrl: string) => ["keyhaven", baseUrl, "admin", "users"] as const,
  tokens: (baseUrl: string) => ["keyhaven", baseUrl, "admin", "service-tokens"] as const,
  backups: (baseUrl: string) => ["keyhaven", baseUrl, "admin", "backups"] as const,
};

/** How often an open page asks again: a backup can fail while an admin works. */
const BACKUP_STATUS_POLL_MS = 5 * 60_000;
/** Rows of backup history the page shows. */
export const BACKUP_HISTORY_LIMIT = 50;

function useAdminApi() {
  const { client } = useKeyhaven();
  return { baseUrl: client.baseUrl, api: useMemo(() => adminApi(client.baseUrl), [client.baseUrl]) };
}

/** Accounts, and the admin's changes to them; each change refreshes the list. */
export function useAdminUsers() {
  const { baseUrl, api } = useAdminApi();
  const queryClient = useQueryClient();
  const key = adminKeys.users(baseUrl);
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const users = useQuery({ queryKey: key, queryFn: api.listUsers });
  const createUser = useMutation({ mutationFn: api.createUser, onSuccess: refresh });
  const disableUser = useMutation({ mutationFn: api.disableUser, onSuccess: refresh });
  const enableUser = useMutation({ mutationFn: api.enableUser, onSuccess: refresh });
  return { users, createUser, disableUser, enableUser };
}

/** Service tokens, and creating and revoking them. */
export function useServiceTokens() {
  const { baseUrl, api } = useAdminApi();
  const queryClient = useQueryClient();
  const key = adminKeys.tokens(baseUrl);
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const tokens = useQuery({ queryKey: key, queryFn: api.listServiceTokens });
  const createToken = useMutation({ mutationFn: api.createServiceToken, onSuccess: refresh });
  const revokeToken = useMutation({ mutationFn: api.revokeServiceToken, onSuccess: refresh });
  return { tokens, createToken, revokeToken };
}

/** The scheduled backups' settings, last run and alert; `enabled` false asks nothing (not an admin). */
export function useBackupStatus(enabled = true) {
  const { baseUrl, api } = useAdminApi();
  return useQuery({ queryKey: adminKeys.backups(baseUrl), queryFn: api.backupStatus, enabled, refetchInterval: BACKUP_STATUS_POLL_MS });
}

/** The scheduled backups that were written and verified, from the audit log. */
export function useBackupHistory() {
  const { baseUrl, api } = useAdminApi();
  return useQuery({ queryKey: [...adminKeys.backups(baseUrl), "history"], queryFn: () => api.backupHistory(BACKUP_HISTORY_LIMIT) });
}
