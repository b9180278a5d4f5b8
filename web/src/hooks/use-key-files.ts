/** Exporting and importing a keys file, for oneself (`teamId` unset) or a team. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { keyhavenQueryKeys, useKeyhaven } from "../keyhaven";
import { keyFilesApi } from "../lib/key-files-api";
import { teamQueryKeys } from "../lib/team-query-keys";

function useKeyFilesApi() {
  const { client } = useKeyhaven();
  return { baseUrl: client.baseUrl, api: useMemo(() => keyFilesApi(client.baseUrl), [client.baseUrl]) };
}

export function useExportKeys(teamId?: string) {
  const { api } = useKeyFilesApi();
  return useMutation({ mutationFn: (passphrase: string) => api.exportKeys({ passphrase, ...(teamId ? { teamId } : {}) }) });
}

export interface ImportRequest {
  file: Blob;
  passphrase: string;
}

/** The preview writes nothing; the import refetches every key list, the stats and the teams' key counts. */
export function useImportKeys(teamId?: string) {
  const { baseUrl, api } = useKeyFilesApi();
  const queryClient = useQueryClient();
  const preview = useMutation({ mutationFn: ({ file, passphrase }: ImportRequest) => api.importKeys(file, passphrase, { dryRun: true, teamId }) });
  const importKeys = useMutation({
    mutationFn: ({ file, passphrase }: ImportRequest) => api.importKeys(file, passphrase, { dryRun: false, teamId }),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keyhavenQueryKeys.apiKeys(baseUrl) }),
        queryClient.invalidateQueries({ queryKey: keyhavenQueryKeys.stats(baseUrl) }),
        queryClient.invalidateQueries({ queryKey: teamQueryKeys.teams(baseUrl) }),
      ]),
  });
  return { preview, importKeys };
}
