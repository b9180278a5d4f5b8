/**
 * The Keyhaven REST API over fetch with `Authorization: Bearer kh_…`. Every failure becomes a
 * CliError with one line to print and its exit code: 401 → 3 (log in again), 403 → 6 (the
 * server's message names the missing scope), 404 → 4, no connection → 5, the rest → 1.
 * Nothing here ever puts a token or a key value into a message.
 */
import type { ApiKey, ApiKeyList, CreateKeyBody, ResolvedKeyAnswer, TestResult, Whoami } from "../../shared/api-schemas.js";
import { CLI_EXIT, CliError, TOKEN_REFUSED } from "./cli-error.js";
import type { Login } from "./config-file.js";
import { withSpinner } from "./progress.js";

/** One key handed out by `/api/resolve` (aws: `credentials` and `region`). */
export type ResolvedKey = ResolvedKeyAnswer;
export type WhoAmI = Whoami;

/** A refusal from the server: `status` and `code` let a command reword the ones it expects. */
export class ApiError extends CliError {
  constructor(
    message: string,
    exitCode: number,
    readonly status: number,
    readonly code: string,
  ) {
    super(message, exitCode);
    this.name = "ApiError";
  }
}

/** Long enough for a key test (the server gives the provider 10 s) on a slow link. */
const REQUEST_TIMEOUT_MS = 60_000;

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found (DNS lookup failed)",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "the connection was closed",
};

/** fetch's error, then its causes: the system error is in `cause`, or in `errors` when every address failed. */
function* causeChain(err: unknown): Generator<Error> {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    yield current;
    const all = (current as { errors?: unknown }).errors;
    current = Array.isArray(all) && all.length > 0 ? all[0] : current.cause;
  }
}

/** What went wrong below HTTP, in a few words. */
function connectProblem(err: unknown): string {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  let last = "";
  for (const e of causeChain(err)) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && Object.hasOwn(CONNECT_ERRORS, code)) return CONNECT_ERRORS[code];
    if (code && /CERT|SSL|TLS/.test(code)) return `TLS error (${code})`;
    last = e.message;
  }
  return last || String(err);
}

function exitCodeFor(status: number): number {
  if (status === 401) return CLI_EXIT.AUTH;
  if (status === 403) return CLI_EXIT.FORBIDDEN;
  if (status === 404) return CLI_EXIT.NOT_FOUND;
  return CLI_EXIT.GENERAL;
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: { path?: unknown; message?: unknown }[] };
}

/** The server's `{ error: { code, message, details? } }` as one line; details are the field problems. */
function describeError(status: number, body: ErrorBody | undefined, retryAfter: string | null): { code: string; message: string } {
  const e = body?.error;
  const code = typeof e?.code === "string" ? e.code : `HTTP_${status}`;
  let message = typeof e?.message === "string" && e.message ? e.message : `the server answered ${status}`;
  const details = (e?.details ?? [])
    .filter((d) => typeof d.path === "string" && typeof d.message === "string")
    .map((d) => `${String(d.path)}: ${String(d.message)}`);
  if (details.length && !details.every((d) => message.includes(d.split(": ")[1]))) message += ` (${details.join("; ")})`;
  if (status === 429 && retryAfter) message += ` (retry in ${retryAfter} s)`;
  return { code, message: message.replace(/[\r\n]+/g, " ") };
}

export interface ApiClient {
  readonly url: string;
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  whoami(): Promise<WhoAmI>;
  resolve(service: string, userId?: string): Promise<ResolvedKey>;
  resolveMany(services: readonly string[], userId?: string): Promise<Record<string, ResolvedKey | null>>;
  listKeys(service?: string): Promise<ApiKey[]>;
  createKey(body: CreateKeyBody): Promise<ApiKey>;
  testKey(keyId: string): Promise<TestResult>;
  deleteKey(keyId: string): Promise<void>;
}

export function createApiClient(login: Login, opts: { fetch?: typeof fetch; spinner?: boolean } = {}): ApiClient {
  const doFetch = opts.fetch ?? fetch;
  const base = login.url;

  async function send(
    method: string,
    path: string,
    body: unknown,
  ): Promise<{ status: number; text: string; retryAfter: string | null; location: string | null }> {
    const headers: Record<string, string> = { authorization: `Bearer ${login.token}`, accept: "application/json", "user-agent": "keyhaven-cli" };
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      const res = await doFetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: "manual",
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      return { status: res.status, text: await res.text(), retryAfter: res.headers.get("retry-after"), location: res.headers.get("location") };
    } catch (err) {
      throw new CliError(`cannot reach ${base}: ${connectProblem(err)}`, CLI_EXIT.UNREACHABLE);
    }
  }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const work = send(method, path, body);
    const { status, text, retryAfter, location } = opts.spinner === false ? await work : await withSpinner(`waiting for ${base}`, work);
    if (status === 204) return undefined as T;
    // Redirects are not followed, so the token never travels to a URL the user did not give.
    if (status >= 300 && status < 400) {
      const where = location && URL.canParse(location, base) ? ` to ${new URL(location, base).origin}` : "";
      throw new ApiError(`${base} redirects${where}: log in with the server's final URL`, CLI_EXIT.GENERAL, status, "REDIRECT");
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // An HTML page or a proxy's error: the URL most likely points somewhere else.
      throw new ApiError(`${base} answered ${status} without a Keyhaven answer: is the server URL right?`, CLI_EXIT.GENERAL, status, "NOT_KEYHAVEN");
    }
    if (status >= 200 && status < 300) return parsed as T;
    if (status === 401) throw new ApiError(TOKEN_REFUSED, CLI_EXIT.AUTH, status, "UNAUTHORIZED");
    const { code, message } = describeError(status, parsed as ErrorBody | undefined, retryAfter);
    // The server's catch-all: an older Keyhaven without this route, not a missing key.
    if (status === 404 && message.startsWith("No route ")) {
      throw new ApiError(`${base} has no ${method} ${path.split("?")[0]}: is the server up to date?`, CLI_EXIT.GENERAL, status, "NO_ROUTE");
    }
    throw new ApiError(message, exitCodeFor(status), status, code);
  }

  const userQuery = (userId?: string) => (userId ? `?userId=${encodeURIComponent(userId)}` : "");

  return {
    url: base,
    request,
    whoami: () => request<WhoAmI>("GET", "/api/whoami"),
    resolve: (service, userId) => request<ResolvedKey>("GET", `/api/resolve/${encodeURIComponent(service)}${userQuery(userId)}`),
    async resolveMany(services, userId) {
      const body = await request<{ results: Record<string, ResolvedKey | null> }>("POST", "/api/resolve", {
        ...(userId ? { userId } : {}),
        services,
      });
      return body.results;
    },
    async listKeys(service) {
      // Every page, 500 at a time: a CLI listing is the whole list.
      const keys: ApiKey[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ limit: "500" });
        if (service) query.set("service", service);
        if (cursor) query.set("cursor", cursor);
        const page: ApiKeyList = await request<ApiKeyList>("GET", `/api/api-keys?${query.toString()}`);
        keys.push(...page.apiKeys);
        cursor = page.nextCursor;
      } while (cursor);
      return keys;
    },
    createKey: (body) => request<ApiKey>("POST", "/api/api-keys", body),
    testKey: (keyId) => request<TestResult>("POST", "/api/api-keys/test", { keyId }),
    deleteKey: (keyId) => request<void>("DELETE", `/api/api-keys/${encodeURIComponent(keyId)}`),
  };
}
