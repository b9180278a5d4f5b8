import { Fragment } from "react";
import type { AuditEvent } from "../../../src/shared/api-schemas.js";
import { auditSentence } from "../../../src/shared/audit-sentence.js";
import { formatDateTime } from "../lib/format-date";

/** One event: what happened, as a sentence with names emphasised; when, which action and from what client below. */
export function AuditEventRow({ event }: { event: AuditEvent }) {
  return (
    <li className="audit-event" data-testid="audit-event">
      <p className="audit-event__sentence">
        {auditSentence(event).map((part, i) =>
          typeof part === "string" ? <Fragment key={i}>{part}</Fragment> : <em key={i} className="audit-event__name">{part.name}</em>,
        )}
      </p>
      <p className="audit-event__meta">
        <time dateTime={event.at} title={event.at}>
          {formatDateTime(event.at)}
        </time>
        <span className="audit-tag">{event.action}</span>
        {event.userAgent && (
          // Long user agents are cut to one line here; the whole string is the tooltip (and in the export).
          <span className="audit-event__agent" title={event.userAgent}>
            {event.userAgent}
          </span>
        )}
      </p>
    </li>
  );
}
