import type { ApiKey } from "../keyhaven";
import { formatCount, formatDate, formatDateTime, formatRelative } from "../lib/format-date";

const TEST_LABEL = { valid: "Valid", invalid: "Invalid", error: "Error" } as const;

/** Last used, use count, last test and expiry of one key. */
export function KeyMeta({ apiKey }: { apiKey: ApiKey }) {
  return (
    <dl className="key-meta">
      <div>
        <dt>Last used</dt>
        <dd title={formatDateTime(apiKey.lastUsedAt)}>{formatRelative(apiKey.lastUsedAt)}</dd>
      </div>
      <div>
        <dt>Uses</dt>
        <dd data-testid="usage-count">{formatCount(apiKey.usageCount)}</dd>
      </div>
      <div>
        <dt>Last test</dt>
        <dd data-testid="last-test" title={formatDateTime(apiKey.lastTestedAt)}>
          {apiKey.lastTestStatus ? (
            <>
              <span className={`test-dot test-dot--${apiKey.lastTestStatus}`} aria-hidden="true" />
              {TEST_LABEL[apiKey.lastTestStatus]} · {formatRelative(apiKey.lastTestedAt)}
            </>
          ) : (
            "Not tested"
          )}
        </dd>
      </div>
      <div>
        <dt>Expires</dt>
        <dd title={formatDateTime(apiKey.expiresAt)}>{apiKey.expiresAt ? formatDate(apiKey.expiresAt) : "Never"}</dd>
      </div>
    </dl>
  );
}
