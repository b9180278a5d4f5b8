import { codeForStatus } from "../platform/errors.js";
/** The one error the client throws: an HTTP answer that was not 2xx, or no answer at all (status 0). */
export interface ApiErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: ApiErrorDetail[];
  /** Seconds to wait, from `Retry-After` (or better-auth's `X-Retry-After`). */
  readonly retryAfter?: number;

  constructor(status: number, code: string, message: string, opts: { details?: ApiErrorDetail[]; retryAfter?: number } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = opts.details;
    this.retryAfter = opts.retryAfter;
  }
}

/** Our code for a status without a body we understand; "HTTP_ERROR" for statuses we never send. */
function fallbackCode(status: number): string {
  const code = codeForStatus(status);
  return code === "INTERNAL" && status < 500 ? "HTTP_ERROR" : code;
}

/** Seconds from a `Retry-After` value: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Builds an ApiError from a failed Response. Understands our `{ error: { code, message, details } }`
 * and better-auth's `{ code, message }`; anything else falls back to the status text.
 */
export async function apiErrorFromResponse(res: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(res.headers.get("retry-after") ?? res.headers.get("x-retry-after"));
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  let code = fallbackCode(res.status);
  let message = res.statusText || `Request failed with status ${res.status}`;
  let details: ApiErrorDetail[] | undefined;
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    const inner = b.error && typeof b.error === "object" ? (b.error as Record<string, unknown>) : b;
    if (typeof inner.code === "string" && inner.code) code = inner.code;
    if (typeof inner.message === "string" && inner.message) message = inner.message;
    if (Array.isArray(inner.details)) details = inner.details as ApiErrorDetail[];
  }
  if (res.status === 429) code = "RATE_LIMITED";
  return new ApiError(res.status, code, message, { details, retryAfter });
}

/** A sentence a person can act on, for any error thrown by the client (or anything else). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 429) {
      return err.retryAfter !== undefined
        ? `Too many attempts, try again in ${err.retryAfter} second${err.retryAfter === 1 ? "" : "s"}`
        : "Too many attempts, try again in a moment";
    }
    if (err.status === 0) return "Can't reach the Keyhaven server. Check your connection and try again.";
    if (err.details?.length) {
      const extra = err.details
        .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message))
        .filter((m) => !err.message.includes(m));
      if (extra.length) return `${err.message} (${extra.join("; ")})`;
    }
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return "Something went wrong";
}
