import { KeyRound } from "lucide-react";

export function Brand() {
  return (
    <span className="brand">
      <span className="brand__mark" aria-hidden="true">
        <KeyRound size={16} strokeWidth={2.4} />
      </span>
      <span className="brand__name">Keyhaven</span>
    </span>
  );
}
