import { useLimitOverview, useRefreshLimits } from "../hooks/use-gateway-usage";
import type { LimitSubject } from "../lib/gateway-api";
import type { Limits, LimitOverview } from "../../../src/shared/limits.js";
import { ErrorState } from "./error-state";
import { LimitsForm } from "./limits-form";
import { LoadingState } from "./loading-state";
import { Modal } from "./modal";

interface Props {
  subject: LimitSubject;
  /** Whose limits, as the title names them: a key's, a token's or a member's name. */
  name: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Sends `{ limits }` (null: removes them) to the subject's own route. */
  save: (limits: Limits | null) => Promise<unknown>;
  onSaved?: (message: string) => void;
}

const DESCRIPTIONS: Record<LimitSubject["kind"], string> = {
  key: "Caps what requests through the gateway may spend with this key, whoever sends them.",
  token: "Caps what requests through the gateway may spend with this access token, whichever key they use.",
  member: "Caps what this member's requests through the gateway may spend with the team's keys.",
};

/** The limits now set on a subject, from `GET /api/limits`; null when it has none. */
export function limitsOf(overview: LimitOverview, subject: LimitSubject): Limits | null {
  const found = overview.limits.find((l) => l.kind === subject.kind && l.id === subject.id && (subject.kind !== "member" || l.teamId === subject.teamId));
  return found?.limits ?? null;
}

/** The limits form in a modal, for a key, an access token or a team member; opened fresh each time. */
export function LimitsDialog({ subject, name, open, onOpenChange, save, onSaved }: Props) {
  return (
    <Modal open={open} onOpenChange={onOpenChange} title={`Limits for “${name}”`} description={DESCRIPTIONS[subject.kind]}>
      {open && <LimitsDialogBody subject={subject} name={name} save={save} onSaved={onSaved} close={() => onOpenChange(false)} />}
    </Modal>
  );
}

function LimitsDialogBody({ subject, name, save, onSaved, close }: Omit<Props, "open" | "onOpenChange"> & { close: () => void }) {
  const overview = useLimitOverview();
  const refresh = useRefreshLimits();
  // The form starts from the limits as they were when the dialog opened, not a refetch mid-edit.
  if (overview.isLoading) return <LoadingState label="Loading limits…" />;
  if (overview.error || !overview.data) return <ErrorState title="Couldn't load the limits" error={overview.error} onRetry={() => void overview.refetch()} />;
  return (
    <LimitsForm
      initial={limitsOf(overview.data, subject)}
      onCancel={close}
      onSubmit={async (limits) => {
        await save(limits);
        await refresh();
        close();
        onSaved?.(limits ? `Saved the limits of ${name}` : `Removed the limits of ${name}`);
      }}
    />
  );
}
