/**
 * POST /api/api-keys/export and /import: a person's (or a team's) keys as one passphrase-sealed
 * file and back. Not JSON both ways, so not callApi: the export answers the file's bytes, the
 * import sends them as the body with the passphrase in a header.
 */
import { apiErrorFromResponse } from "../../../src/react/api-error.js";
import { PASSPHRASE_HEADER, type ImportReport } from "../../../src/shared/api-schemas.js";
import { ApiError } from "../keyhaven";

async function send(url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, credentials: "same-origin" });
  } catch (err) {
    throw new ApiError(0, "NETWORK_ERROR", err instanceof Error ? err.message : "Network request failed");
  }
  if (!res.ok) throw await apiErrorFromResponse(res);
  return res;
}

/**
 * A header carries bytes: the passphrase goes as its UTF-8 bytes, one character each, which the
 * server reads back as UTF-8 (a plain ASCII passphrase is unchanged).
 */
export function passphraseHeaderValue(passphrase: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(passphrase)) out += String.fromCharCode(byte);
  return out;
}

export interface ImportOptions {
  dryRun: boolean;
  teamId?: string;
}

export function keyFilesApi(baseUrl: string) {
  return {
    /** The sealed file, as the server wrote it. */
    exportKeys: async (body: { passphrase: string; teamId?: string }): Promise<Blob> =>
      (
        await send(`${baseUrl}/api/api-keys/export`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/octet-stream, application/json" },
          body: JSON.stringify(body),
        })
      ).blob(),
    /** What the file's keys would do (dryRun) or did here: created, skipped, refused. */
    importKeys: async (file: Blob, passphrase: string, opts: ImportOptions): Promise<ImportReport> => {
      const query = new URLSearchParams({ dryRun: String(opts.dryRun) });
      if (opts.teamId) query.set("teamId", opts.teamId);
      const res = await send(`${baseUrl}/api/api-keys/import?${query.toString()}`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream", accept: "application/json", [PASSPHRASE_HEADER]: passphraseHeaderValue(passphrase) },
        body: file,
      });
      return (await res.json()) as ImportReport;
    },
  };
}
