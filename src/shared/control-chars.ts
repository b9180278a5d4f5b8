/**
 * Which control characters user input may carry: the one rule for key fields, ids, paths and
 * auth bodies. Browser-safe (the key schemas import it). PostgreSQL refuses NUL in text, so
 * without this the same input was a 400 on one database and a 500 on the other.
 */

/** C0 controls (U+0000–U+001F) and DEL: never in an id, a name, an email, a URL or a token. */
const ANY_CONTROL = /[\u0000-\u001F\u007F]/;
/** The same, but tab, line feed and carriage return pass: free text that may span lines. */
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export const CONTROL_CHARS_MESSAGE = "must not contain control characters";

/** For one-line values: names, ids, emails, tokens, URLs. */
export const isOneLine = (s: string): boolean => !ANY_CONTROL.test(s);
/** For multi-line text (a key's description): tab, LF and CR allowed, every other control refused. */
export const isPlainText = (s: string): boolean => !CONTROL_BUT_LINE_BREAKS.test(s);
/** For passwords: hashed, never stored as text nor shown, so only NUL is refused (as everywhere). */
export const hasNoNul = (s: string): boolean => !s.includes("\u0000");
