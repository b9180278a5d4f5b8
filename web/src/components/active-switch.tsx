import { Switch } from "radix-ui";
import { useId } from "react";

interface Props {
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}

/** The on/off switch of a key; its accessible name is "Active". */
export function ActiveSwitch({ checked, disabled, onChange }: Props) {
  const id = useId();
  return (
    <span className="switch-field">
      <Switch.Root id={id} className="switch" checked={checked} disabled={disabled} onCheckedChange={onChange} data-testid="active-switch">
        <Switch.Thumb className="switch__thumb" />
      </Switch.Root>
      <label htmlFor={id} className="switch-field__label">
        Active
      </label>
    </span>
  );
}
