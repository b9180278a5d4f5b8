import type { TokenScope } from "../keyhaven";
import { curlExample } from "../lib/token-usage";

/** How to send the token: the header, and a request it may make. The token itself is never repeated here. */
export function TokenUsageHint({ scopes }: { scopes: readonly TokenScope[] }) {
  const curl = curlExample(window.location.origin, scopes);
  return (
    <div className="token-usage">
      <p className="token-usage__title">Send it as a header:</p>
      {/* Focusable: a block wider than the screen scrolls, and a keyboard must reach it to. */}
      <pre className="code-block" data-testid="token-usage-header" tabIndex={0} aria-label="Header">
        Authorization: Bearer kh_…
      </pre>
      {curl && (
        <>
          <p className="token-usage__title">For example:</p>
          <pre className="code-block" data-testid="token-usage-curl" tabIndex={0} aria-label="Example request">
            {curl}
          </pre>
        </>
      )}
    </div>
  );
}
