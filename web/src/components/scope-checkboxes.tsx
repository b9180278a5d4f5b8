import type { TokenScope } from "../keyhaven";
import { SCOPE_HELP, TOKEN_SCOPES } from "../lib/token-scopes";

interface Props {
  id: string;
  value: TokenScope[];
  onChange: (scopes: TokenScope[]) => void;
  error?: string;
}

/** One checkbox per scope, each labelled by its name and described by what it allows. */
export function ScopeCheckboxes({ id, value, onChange, error }: Props) {
  const toggle = (scope: TokenScope, on: boolean) => onChange(on ? [...value, scope] : value.filter((s) => s !== scope));
  return (
    <fieldset className={`scope-fieldset${error ? " scope-fieldset--invalid" : ""}`} aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="field__label">Scopes</legend>
      <ul className="scope-options">
        {TOKEN_SCOPES.map((scope) => {
          const boxId = `${id}-${scope.replace(":", "-")}`;
          return (
            <li key={scope}>
              <label className="scope-option" htmlFor={boxId}>
                <input
                  id={boxId}
                  type="checkbox"
                  className="checkbox"
                  checked={value.includes(scope)}
                  onChange={(e) => toggle(scope, e.target.checked)}
                  aria-invalid={Boolean(error)}
                  aria-describedby={error ? `${boxId}-help ${id}-error` : `${boxId}-help`}
                />
                <span className="scope-option__text">
                  <code className="scope-option__name">{scope}</code>
                  <span className="scope-option__help" id={`${boxId}-help`}>
                    {SCOPE_HELP[scope]}
                  </span>
                </span>
              </label>
            </li>
          );
        })}
      </ul>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}
