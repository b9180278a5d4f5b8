import type { ReactNode } from "react";
import type { ApiKey } from "../keyhaven";
import { formatDate, formatRelative } from "../lib/format-date";
import { useServiceLabel } from "../hooks/use-services";
import { Panel } from "./panel";
import { ServiceIcon } from "./service-icon";

interface Props {
  titleId: string;
  title: string;
  meta?: ReactNode;
  /** The keys to list, in the order shown. */
  keys: ApiKey[];
  /** The date each key is listed for (its expiry, its rotation due date). */
  when: (key: ApiKey) => string | null;
  /** Shown when `keys` is empty. */
  empty: ReactNode;
  /** Shown under a non-empty list (a link to where to act). */
  footer?: ReactNode;
  testId: string;
}

/** A panel listing keys against a date, soonest first: "Expiring soon", "Rotation due". */
export function KeyDeadlineList({ titleId, title, meta, keys, when, empty, footer, testId }: Props) {
  const serviceLabel = useServiceLabel();
  return (
    <Panel titleId={titleId} title={title} meta={meta}>
      {keys.length === 0 ? (
        <p className="muted panel__empty">{empty}</p>
      ) : (
        <ul className="expiring" data-testid={testId}>
          {keys.map((k) => (
            <li key={k.id} className="expiring__item">
              <ServiceIcon service={k.service} size="sm" />
              <span className="expiring__name">
                {k.name}
                <span className="muted"> · {serviceLabel(k.service)}</span>
              </span>
              <span className="expiring__when" title={formatDate(when(k))}>
                {formatRelative(when(k))}
              </span>
            </li>
          ))}
        </ul>
      )}
      {keys.length > 0 && footer && <p className="panel__footer">{footer}</p>}
    </Panel>
  );
}
