/**
 * The control-character rule (control-chars.ts) for better-auth's JSON bodies, checked before
 * better-auth sees them: it validates shapes, not characters, and on PostgreSQL a NUL in a name,
 * an image URL or a token became a database error (a 500) instead of a 400.
 */
import { z } from "zod";
import { CONTROL_CHARS_MESSAGE, hasNoNul, isOneLine } from "../shared/control-chars.js";
import { AppError, ERROR_LIMITS, type ErrorDetail } from "../platform/errors.js";

/** Password fields are hashed, never stored as text: only NUL is refused there. */
const PASSWORD_FIELDS = new Set(["password", "currentPassword", "newPassword"]);

/** Enough to say what is wrong; AppError bounds the answer anyway. */
const MAX_DETAILS = 10;
/** An answer carries no longer path than this anyway (errors.ts). */
const MAX_PATH = ERROR_LIMITS.path;

/** `path.step`, stopped at MAX_PATH characters: a 20,000-deep body must not build 20,000-long paths. */
const child = (path: string, step: string) =>
  path.endsWith("…") ? path : path.length + step.length >= MAX_PATH ? `${path}…` : path ? `${path}.${step}` : step;

/**
 * Every string and field name of the body that breaks the rule. Iterative: nesting is bounded
 * only by the 64 KiB body, and a recursive walk overflowed the stack on deep arrays (a 500).
 */
function offending(body: unknown): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const stack: { value: unknown; path: string; field: string }[] = [{ value: body, path: "", field: "" }];
  while (stack.length && out.length < MAX_DETAILS) {
    const { value, path, field } = stack.pop()!;
    if (typeof value === "string") {
      const ok = PASSWORD_FIELDS.has(field) ? hasNoNul(value) : isOneLine(value);
      if (!ok) out.push({ path: path || "body", message: CONTROL_CHARS_MESSAGE });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: child(path, String(i)), field }));
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        const at = child(path, key.slice(0, MAX_PATH));
        if (!isOneLine(key)) out.push({ path: at, message: CONTROL_CHARS_MESSAGE });
        stack.push({ value: item, path: at, field: key });
      }
    }
  }
  return out;
}

/** Throws VALIDATION_ERROR naming the fields of a parsed auth body that break the rule. */
export function assertAuthBodyText(body: unknown): void {
  const details = offending(body);
  if (details.length) {
    throw new AppError("VALIDATION_ERROR", `Invalid request: ${details.map((d) => `${d.path} ${d.message}`).join("; ")}`, { details });
  }
}

/**
 * better-auth's update-user takes any JSON object and hands `name` and `image` to the database
 * as they come: null, a number, an array or an object ended as a 500 (NOT NULL, SQLite binding,
 * pg's array serializer overflowing the stack on deep nesting). Other fields stay its call.
 */
export const updateUserBodySchema = z.looseObject({
  name: z.string().optional(),
  image: z.string().nullable().optional(),
});
