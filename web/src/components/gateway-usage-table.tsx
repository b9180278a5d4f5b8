import { useServiceLabel } from "../hooks/use-services";
import type { ServiceId } from "../keyhaven";
import { formatCount } from "../lib/format-date";
import { formatUsd } from "../lib/gateway-usage";
import type { UsageRow } from "../../../src/shared/limits.js";
import { ServiceIcon } from "./service-icon";

export type Breakdown = "key" | "model" | "token";

export const BREAKDOWN_LABELS: Record<Breakdown, string> = { key: "Key", model: "Model", token: "Access token" };

const rowId = (by: Breakdown, r: UsageRow) => (by === "key" ? `${r.keyId}` : by === "model" ? `${r.service}/${r.model}` : `${r.tokenId}`);

/** A cost as it is known: unknown is never $0. */
export function CostCell({ row }: { row: Pick<UsageRow, "costUsd" | "unpricedRequests"> }) {
  if (row.costUsd === null) return <span className="gw-cost gw-cost--unknown">Unknown</span>;
  return (
    <span className="gw-cost">
      {formatUsd(row.costUsd)}
      {row.unpricedRequests > 0 && <span className="gw-cost__more"> + unknown</span>}
    </span>
  );
}

/** Requests, tokens and cost per key, model or access token; a row's unpriced and estimated requests flagged on it. */
export function GatewayUsageTable({ by, rows, labelledBy }: { by: Breakdown; rows: UsageRow[]; labelledBy: string }) {
  const serviceLabel = useServiceLabel();
  const sorted = [...rows].sort((a, b) => b.requests - a.requests);
  const name = (r: UsageRow) => {
    if (by === "key")
      return (
        <span className="cell-service">
          {r.service && <ServiceIcon service={r.service as ServiceId} size="sm" />}
          {r.keyName ?? <span className="muted">Deleted key</span>}
        </span>
      );
    if (by === "model")
      return (
        <span className="gw-model">
          <code>{r.model ?? "(no model)"}</code>
          {r.service && <span className="muted gw-model__service">{serviceLabel(r.service)}</span>}
        </span>
      );
    return r.tokenName ?? <span className="muted">{r.tokenId ? "Revoked token" : "No token"}</span>;
  };
  return (
    <div className="table-wrap">
      <table className="table gw-table" aria-labelledby={labelledBy} data-testid={`gateway-by-${by}`}>
        <thead>
          <tr>
            <th scope="col">{BREAKDOWN_LABELS[by]}</th>
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col" className="num">
              Input tokens
            </th>
            <th scope="col" className="num">
              Output tokens
            </th>
            <th scope="col" className="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={rowId(by, r)} data-testid="gateway-row">
              <th scope="row">
                {name(r)}
                {(r.unpricedRequests > 0 || r.estimatedRequests > 0) && (
                  <span className="gw-flags">
                    {r.unpricedRequests > 0 && (
                      <span className="gw-flag gw-flag--unpriced" data-testid="unpriced-flag">
                        {formatCount(r.unpricedRequests)} unpriced
                      </span>
                    )}
                    {r.estimatedRequests > 0 && (
                      <span className="gw-flag" data-testid="estimated-flag">
                        {formatCount(r.estimatedRequests)} estimated
                      </span>
                    )}
                  </span>
                )}
              </th>
              <td className="num" data-label="Requests">
                {formatCount(r.requests)}
              </td>
              <td className="num" data-label="Input tokens">
                {formatCount(r.inputTokens)}
              </td>
              <td className="num" data-label="Output tokens">
                {formatCount(r.outputTokens)}
              </td>
              <td className="num" data-label="Cost">
                <CostCell row={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
