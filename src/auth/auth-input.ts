/**
 * The control-character rule (control-chars.ts) for better-auth's JSON bodies, checked before
 * better-auth sees them: it validates shapes, not characters, and on PostgreSQL a NUL in a name,
 * an image URL or a token became a database error (a 500) instead of a 400.
 */
import { CONTROL_CHARS_MESSAGE, hasNoNul, isOneLine } from "../control-chars.js";
import { AppError, type ErrorDetail } from "../errors.js";

/** Password fields are hashed, never stored as text: only NUL is refused there. */
const PASSWORD_FIELDS = new Set(["password", "currentPassword", "newPassword"]);

function collect(value: unknown, path: string, field: string, out: ErrorDetail[]): void {
  if (typeof value === "string") {
    const ok = PASSWORD_FIELDS.has(field) ? hasNoNul(value) : isOneLine(value);
    if (!ok) out.push({ path: path || "body", message: CONTROL_CHARS_MESSAGE });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => collect(item, `${path}.${i}`, field, out));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (!isOneLine(key)) out.push({ path: at, message: CONTROL_CHARS_MESSAGE });
      collect(item, at, key, out);
    }
  }
}

/** Throws VALIDATION_ERROR naming every field of a parsed auth body that breaks the rule. */
export function assertAuthBodyText(body: unknown): void {
  const details: ErrorDetail[] = [];
  collect(body, "", "", details);
  if (details.length) {
    throw new AppError("VALIDATION_ERROR", `Invalid request: ${details.map((d) => `${d.path} ${d.message}`).join("; ")}`, { details });
  }
}
