/** The new-token form's state: checked before sending, turned into the POST body, and server errors mapped back onto it. */
import { ApiError, type CreateTokenBody, type TokenScope } from "../keyhaven";
import { TOKEN_NAME_MAX } from "../../../src/shared/token-fields";
import { DEFAULT_SCOPES, orderedScopes } from "./token-scopes";
import { DEFAULT_EXPIRY, expiryFor, type ExpiryChoice } from "./token-expiry";

export { TOKEN_NAME_MAX };

export interface TokenDraft {
  name: string;
  scopes: TokenScope[];
  expiry: ExpiryChoice;
  /** `YYYY-MM-DD`, used when `expiry` is "date". */
  date: string;
}

export type TokenDraftErrors = Partial<Record<"name" | "scopes" | "expiry", string>>;

export function emptyTokenDraft(): TokenDraft {
  return { name: "", scopes: [...DEFAULT_SCOPES], expiry: DEFAULT_EXPIRY, date: "" };
}

/** The body to send, or what to fix first; the server stays the judge (see fieldErrorsFrom). */
export function buildTokenBody(draft: TokenDraft, now = Date.now()): { body: CreateTokenBody } | { errors: TokenDraftErrors } {
  const errors: TokenDraftErrors = {};
  const name = draft.name.trim();
  if (!name) errors.name = "Give the token a name";
  else if (name.length > TOKEN_NAME_MAX) errors.name = `At most ${TOKEN_NAME_MAX} characters`;
  if (draft.scopes.length === 0) errors.scopes = "Pick at least one scope";
  const expiry = expiryFor(draft.expiry, draft.date, now);
  if ("error" in expiry) errors.expiry = expiry.error;
  if ("error" in expiry || Object.keys(errors).length) return { errors };
  return { body: { name, scopes: orderedScopes(draft.scopes), expiresAt: expiry.expiresAt } };
}

const FIELD_OF: Record<string, keyof TokenDraftErrors> = { name: "name", scopes: "scopes", expiresAt: "expiry" };

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * A 400's details (`{ path: "scopes.0", message }`) as errors on the form's fields; empty for
 * anything else.
 */
export function fieldErrorsFrom(err: unknown): TokenDraftErrors {
  const errors: TokenDraftErrors = {};
  if (!(err instanceof ApiError) || !err.details) return errors;
  for (const detail of err.details) {
    const field = FIELD_OF[detail.path.split(".")[0]];
    if (field && !errors[field]) errors[field] = sentence(detail.message);
  }
  return errors;
}
