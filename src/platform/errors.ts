/**
 * The one error type of Keyhaven. Domains throw it; the HTTP layer maps it to
 * `{ error: { code, message, details? } }` with `status` in exactly one place.
 */
export type ErrorCode =
  | "VALIDATION_ERROR"
  | "INVALID_KEY_FORMAT"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "RATE_LIMITED"
  | "INTERNAL";

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  INVALID_KEY_FORMAT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

/** The code an error status stands for (the first listed, for 400: VALIDATION_ERROR). */
export function codeForStatus(status: number): ErrorCode {
  const found = (Object.keys(STATUS_BY_CODE) as ErrorCode[]).find((code) => STATUS_BY_CODE[code] === status);
  return found ?? "INTERNAL";
}

export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * How much an error answer may carry. Field names come from the client and may be huge, so
 * paths are cut; values are never quoted at all (messages say what is expected instead).
 */
export const ERROR_LIMITS = { message: 600, path: 100, detailMessage: 200, details: 10 } as const;

/** `text` cut to `max` characters, the cut marked with "…". */
export const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function boundedDetails(details: ErrorDetail[] | undefined): ErrorDetail[] | undefined {
  return details
    ?.slice(0, ERROR_LIMITS.details)
    .map((d) => ({ path: clip(d.path, ERROR_LIMITS.path), message: clip(d.message, ERROR_LIMITS.detailMessage) }));
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: ErrorDetail[];
  /** Seconds, for RATE_LIMITED answers (becomes `Retry-After`). */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, opts: { details?: ErrorDetail[]; retryAfter?: number } = {}) {
    // Bounded here, where every error is made, so no producer can send back a client's body.
    super(clip(message, ERROR_LIMITS.message));
    this.name = "AppError";
    this.code = code;
    this.status = STATUS_BY_CODE[code];
    this.details = boundedDetails(opts.details);
    this.retryAfter = opts.retryAfter;
  }
}

export const notFound = (what = "API key") => new AppError("NOT_FOUND", `${what} not found`);
export const conflict = (message: string) => new AppError("CONFLICT", message);
export const validationError = (message: string, details?: ErrorDetail[]) =>
  new AppError("VALIDATION_ERROR", message, { details });

/** A start-up failure: printed as one line by the CLI, which exits with `exitCode`. */
export class StartupError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = "StartupError";
    this.exitCode = exitCode;
  }
}

/** Exit codes of `keyhaven serve|migrate`, documented in the README. */
export const EXIT = {
  CONFIG: 78, // EX_CONFIG: bad environment or master key
  MASTER_KEY_MISMATCH: 79,
  DATABASE_UNAVAILABLE: 69, // EX_UNAVAILABLE
  DATA_DIR_NOT_WRITABLE: 73, // EX_CANTCREAT
  PORT_IN_USE: 75, // EX_TEMPFAIL: retry once the port is free
} as const;
