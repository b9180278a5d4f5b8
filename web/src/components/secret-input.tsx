import { Eye, EyeOff } from "lucide-react";
import { useState, type InputHTMLAttributes } from "react";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "type"> & { id: string };

/** A password-style input with a "Show" toggle button (its state is in aria-pressed). */
export function SecretInput({ className, ...input }: Props) {
  const [visible, setVisible] = useState(false);
  return (
    <div className="secret-input">
      <input
        {...input}
        type={visible ? "text" : "password"}
        className={`input input--mono ${className ?? ""}`}
        autoComplete={input.autoComplete ?? "off"}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
      />
      <button
        type="button"
        className="secret-input__toggle"
        aria-label="Show"
        aria-pressed={visible}
        aria-controls={input.id}
        title={visible ? "Hide value" : "Show value"}
        onClick={() => setVisible((v) => !v)}
      >
        {visible ? <EyeOff size={16} aria-hidden="true" /> : <Eye size={16} aria-hidden="true" />}
      </button>
    </div>
  );
}
