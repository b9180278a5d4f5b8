/** The scopes a token can be given, in the server's order, each with the one line the form shows. */
import type { TokenScope } from "../keyhaven";
import { TOKEN_SCOPES } from "../../../src/shared/token-fields";

export { TOKEN_SCOPES };

// A Record, so a scope added on the server fails the type check here until it is explained.
export const SCOPE_HELP: Record<TokenScope, string> = {
  "keys:read": "List your keys and read their details, never their values.",
  "keys:write": "Add, change, delete and test keys.",
  "keys:reveal": "Read key values in full.",
  resolve: "Fetch the key for a service at call time (/api/resolve).",
  "audit:read": "Read the audit log of your keys.",
};

/** Least power that is still useful: an app that only needs its key handed out. */
export const DEFAULT_SCOPES: readonly TokenScope[] = ["resolve"];

/** Scopes in the canonical order, whatever order they were picked or stored in. */
export function orderedScopes(scopes: readonly TokenScope[]): TokenScope[] {
  return TOKEN_SCOPES.filter((s) => scopes.includes(s));
}
