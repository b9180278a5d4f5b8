/** The one place where errors become the JSON error shape `{ error: { code, message, details? } }`. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError } from "../platform/errors.js";

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return new AppError("PAYLOAD_TOO_LARGE", "Request body is larger than 64 KiB");
    if (err.status === 400) return new AppError("VALIDATION_ERROR", err.message || "Bad request");
    if (err.status === 401) return new AppError("UNAUTHORIZED", "Sign in first");
    if (err.status === 403) return new AppError("FORBIDDEN", err.message || "Forbidden");
  }
  // Never echo an unknown error's message: it may carry internals.
  return new AppError("INTERNAL", "Internal server error");
}

export function errorResponse(c: Context, err: AppError): Response {
  if (err.retryAfter !== undefined) c.header("Retry-After", String(err.retryAfter));
  const body: { error: { code: string; message: string; details?: unknown } } = {
    error: { code: err.code, message: err.message },
  };
  if (err.details?.length) body.error.details = err.details;
  return c.json(body, err.status as 400);
}
