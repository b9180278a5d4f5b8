import type { TokenScope } from "../keyhaven";
import { orderedScopes, SCOPE_HELP } from "../lib/token-scopes";

/** A token's scopes as chips, in the canonical order; hovering one says what it allows. */
export function ScopeChips({ scopes }: { scopes: readonly TokenScope[] }) {
  return (
    <ul className="chips" aria-label="Scopes">
      {orderedScopes(scopes).map((scope) => (
        <li key={scope} className="chip" title={SCOPE_HELP[scope]}>
          {scope}
        </li>
      ))}
    </ul>
  );
}
