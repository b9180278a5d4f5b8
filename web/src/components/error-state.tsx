import { CircleAlert, RefreshCw } from "lucide-react";
import { errorMessage } from "../keyhaven";

export function ErrorState({ title, error, onRetry }: { title: string; error: unknown; onRetry?: () => void }) {
  return (
    <div className="state state--error" role="alert">
      <CircleAlert size={24} aria-hidden="true" />
      <div>
        <p className="state__title">{title}</p>
        <p className="state__text">{errorMessage(error)}</p>
      </div>
      {onRetry && (
        <button type="button" className="btn btn--secondary" onClick={onRetry}>
          <RefreshCw size={16} aria-hidden="true" />
          Try again
        </button>
      )}
    </div>
  );
}
