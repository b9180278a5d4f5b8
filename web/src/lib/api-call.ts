/**
 * One JSON call to the server for the web app's own routes (admin, audit) — those kept out of
 * `keyhaven/react`'s client, the library's public API. Errors become the library's ApiError.
 */
import { apiErrorFromResponse } from "../../../src/react/api-error.js";
import { ApiError } from "../keyhaven";

export async function callApi<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
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
