import type { KeyStats, ServiceId } from "../keyhaven";
import { formatCount } from "../lib/format-date";
import { useServiceLabel } from "../hooks/use-services";
import { Panel } from "./panel";
import { ServiceIcon } from "./service-icon";

/** Keys and uses per service, with a bar showing each service's share of the uses. */
export function ServiceBreakdown({ byService }: { byService: KeyStats["byService"] }) {
  const serviceLabel = useServiceLabel();
  const rows = Object.entries(byService)
    .map(([service, s]) => ({ service: service as ServiceId, ...s }))
    .sort((a, b) => b.usageCount - a.usageCount || b.total - a.total);
  const maxUses = Math.max(1, ...rows.map((r) => r.usageCount));
  return (
    <Panel titleId="by-service-title" title="By service">
      {rows.length === 0 ? (
        <p className="muted panel__empty">No keys yet, so nothing to break down.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="service-breakdown">
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col" className="num">Keys</th>
                <th scope="col" className="num">Active</th>
                <th scope="col" className="num">Uses</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.service}>
                  <th scope="row">
                    <span className="cell-service">
                      <ServiceIcon service={r.service} size="sm" />
                      {serviceLabel(r.service)}
                    </span>
                  </th>
                  <td className="num">{formatCount(r.total)}</td>
                  <td className="num">{formatCount(r.active)}</td>
                  <td className="num">
                    <span className="share">
                      <span className="share__bar" aria-hidden="true">
                        <span style={{ width: `${(r.usageCount / maxUses) * 100}%` }} />
                      </span>
                      {formatCount(r.usageCount)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
