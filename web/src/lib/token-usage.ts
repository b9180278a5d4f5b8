/** The usage example shown beside a new token: a request this token is actually allowed to make. */
import type { TokenScope } from "../keyhaven";

const EXAMPLES: { scope: TokenScope; path: string }[] = [
  { scope: "resolve", path: "/api/resolve/openai" },
  { scope: "keys:read", path: "/api/api-keys" },
];

/** `curl` for the first example the scopes allow; null when none does (a write-only token, say). */
export function curlExample(origin: string, scopes: readonly TokenScope[]): string | null {
  const example = EXAMPLES.find((e) => scopes.includes(e.scope));
  // Two lines, as a shell takes them: the URL never shares a line it could be broken on.
  return example ? `curl -H "Authorization: Bearer kh_…" \\\n  ${origin}${example.path}` : null;
}
