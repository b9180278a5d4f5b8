import { CalendarClock } from "lucide-react";
import type { ApiKey } from "../keyhaven";
import { formatDate, formatRelative } from "../lib/format-date";
import { EXPIRING_SOON_DAYS } from "../../../src/shared/expiry";
import { useServiceLabel } from "../hooks/use-services";
import { keysExpiringSoon } from "../lib/key-status";
import { AppLink } from "./app-link";
import { Panel } from "./panel";
import { ServiceIcon } from "./service-icon";

/** Active keys that stop being handed out within EXPIRING_SOON_DAYS, soonest first (the stats card's rule). */
export function ExpiringKeys({ apiKeys }: { apiKeys: ApiKey[] }) {
  const serviceLabel = useServiceLabel();
  const soon = keysExpiringSoon(apiKeys);
  return (
    <Panel titleId="expiring-title" title="Expiring soon" meta={`Next ${EXPIRING_SOON_DAYS} days`}>
      {soon.length === 0 ? (
        <p className="muted panel__empty">
          <CalendarClock size={16} aria-hidden="true" /> No active key expires in the next {EXPIRING_SOON_DAYS} days.
        </p>
      ) : (
        <ul className="expiring" data-testid="expiring-keys">
          {soon.map((k) => (
            <li key={k.id} className="expiring__item">
              <ServiceIcon service={k.service} size="sm" />
              <span className="expiring__name">
                {k.name}
                <span className="muted"> · {serviceLabel(k.service)}</span>
              </span>
              <span className="expiring__when" title={formatDate(k.expiresAt)}>
                {formatRelative(k.expiresAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {soon.length > 0 && (
        <p className="panel__footer">
          <AppLink to="/keys" className="link">Renew or extend them on the keys page</AppLink>
        </p>
      )}
    </Panel>
  );
}
