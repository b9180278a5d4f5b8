import { todayDateInput } from "../lib/format-date";
import { EXPIRY_CHOICES, type ExpiryChoice } from "../lib/token-expiry";
import { describedBy, Field } from "./field";

interface Props {
  id: string;
  choice: ExpiryChoice;
  date: string;
  error?: string;
  onChange: (patch: { expiry?: ExpiryChoice; date?: string }) => void;
}

/** How long a new token lives: a preset, no expiry, or a picked day (the date input appears for that one). */
export function ExpiryField({ id, choice, date, error, onChange }: Props) {
  const dateId = `${id}-date`;
  const hint = choice === "never" ? "It works until you revoke it." : "It stops working after that; make a new one then.";
  return (
    <Field id={id} label="Expiration" hint={hint} error={error}>
      <div className="expiry-field">
        <select
          id={id}
          className="input select"
          value={choice}
          onChange={(e) => onChange({ expiry: e.target.value as ExpiryChoice })}
          aria-invalid={Boolean(error) && choice !== "date"}
          aria-describedby={describedBy(id, { hint: !error, error: Boolean(error) })}
        >
          {EXPIRY_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
        {choice === "date" && (
          <input
            id={dateId}
            type="date"
            className="input input--date"
            aria-label="Expiration day"
            value={date}
            min={todayDateInput()}
            onChange={(e) => onChange({ date: e.target.value })}
            aria-invalid={Boolean(error)}
            aria-describedby={describedBy(id, { hint: !error, error: Boolean(error) })}
          />
        )}
      </div>
    </Field>
  );
}
