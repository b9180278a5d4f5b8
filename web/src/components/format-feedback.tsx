import { CircleAlert, CircleCheck, ExternalLink } from "lucide-react";
import type { FormatFeedback as Feedback } from "../lib/key-format";
import type { ServiceInfo } from "../keyhaven";
import { sentence } from "../lib/services";

/** The service's hint, where to make a key, and how the typed value measures up. Live region. */
export function FormatFeedback({ id, service, feedback }: { id: string; service: Pick<ServiceInfo, "label" | "formatHint" | "keyPageUrl">; feedback: Feedback }) {
  return (
    <div className="format-feedback" id={id}>
      <p className="format-feedback__hint">
        <span>{sentence(service.formatHint)}</span>
        {service.keyPageUrl && (
          <>
            {" · "}
            <a href={service.keyPageUrl} target="_blank" rel="noreferrer noopener" className="link">
              Get your {service.label} key
              <ExternalLink size={12} aria-hidden="true" />
            </a>
          </>
        )}
      </p>
      <p className="format-feedback__status" aria-live="polite" data-testid="format-feedback" data-state={feedback.state}>
        {feedback.state === "ok" && (
          <span className="format-feedback__ok">
            <CircleCheck size={14} aria-hidden="true" /> {feedback.message}
          </span>
        )}
        {feedback.state === "error" && (
          <span className="format-feedback__error">
            <CircleAlert size={14} aria-hidden="true" /> {feedback.message}
          </span>
        )}
      </p>
    </div>
  );
}
