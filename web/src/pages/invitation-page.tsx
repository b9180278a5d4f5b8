import { Check, MailX, UsersRound, X } from "lucide-react";
import { useState } from "react";
import { AppLink } from "../components/app-link";
import { EmptyState } from "../components/empty-state";
import { FormError } from "../components/form-error";
import { LoadingState } from "../components/loading-state";
import { roleLabel } from "../components/member-row";
import { Spinner } from "../components/spinner";
import { useInvitation, useInvitationActions } from "../hooks/use-invitation";
import { useAuthActions, useSession } from "../hooks/use-session";
import { errorMessage } from "../keyhaven";
import { formatDateTime } from "../lib/format-date";
import { invitationProblem } from "../lib/invitation-error";
import type { InvitationDetails } from "../lib/organization-api";
import { teamPath } from "../lib/team-paths";
import { navigate } from "../router";
import type { RoutePageProps } from "../routes";

/**
 * `/invite/:invitationId`, the link an invitation sends: which team, as what, from whom; Accept
 * leads to the team's keys. Signed-out people sign in first and come back here (app.tsx's `next`).
 */
export function InvitationPage({ params }: RoutePageProps) {
  const invitation = useInvitation(params.invitationId);
  if (invitation.isLoading) return <LoadingState label="Loading the invitation…" />;
  if (invitation.error || !invitation.data) return <InvitationProblem error={invitation.error} />;
  return <InvitationCard invitation={invitation.data} />;
}

const BackToKeys = () => (
  <AppLink to="/keys" className="link">
    Go to your API keys
  </AppLink>
);

function InvitationProblem({ error }: { error: unknown }) {
  const problem = invitationProblem(error);
  const email = useSession().data?.user.email;
  const { signOut } = useAuthActions();
  return (
    <section className="invitation" aria-labelledby="invitation-title" role="alert" data-testid="invitation-problem">
      <MailX size={28} aria-hidden="true" className="invitation__icon" />
      <h1 className="invitation__title" id="invitation-title">
        {problem.title}
      </h1>
      <p className="invitation__text">{problem.text}</p>
      {problem.otherAccount && email && (
        <p className="invitation__text">
          You're signed in as <strong>{email}</strong>.
        </p>
      )}
      <div className="invitation__actions">
        {problem.otherAccount && (
          <button type="button" className="btn btn--secondary" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            {signOut.isPending && <Spinner />}
            Sign in as someone else
          </button>
        )}
        <BackToKeys />
      </div>
    </section>
  );
}

function InvitationCard({ invitation }: { invitation: InvitationDetails }) {
  const { accept, decline } = useInvitationActions(invitation.id);
  const [declined, setDeclined] = useState(false);
  const busy = accept.isPending || decline.isPending;
  const error = accept.error ?? decline.error;

  if (declined)
    return (
      <EmptyState icon={<X size={28} />} title="Invitation declined">
        <p className="state__text">
          You didn't join {invitation.organizationName}. <BackToKeys />
        </p>
      </EmptyState>
    );

  return (
    <section className="invitation" aria-labelledby="invitation-title" data-testid="invitation">
      <UsersRound size={28} aria-hidden="true" className="invitation__icon" />
      <h1 className="invitation__title" id="invitation-title">
        Join {invitation.organizationName}
      </h1>
      <p className="invitation__text">
        <strong>{invitation.inviterEmail}</strong> invited you to join <strong>{invitation.organizationName}</strong> as{" "}
        <strong data-testid="invitation-role">{roleLabel(invitation.role).toLowerCase()}</strong>. Your apps can then use the team's keys.
      </p>
      <p className="muted invitation__note">Valid until {formatDateTime(invitation.expiresAt)}.</p>
      <FormError message={error ? errorMessage(error) : null} />
      <div className="invitation__actions">
        <button type="button" className="btn btn--ghost" disabled={busy} onClick={() => decline.mutate(undefined, { onSuccess: () => setDeclined(true) })}>
          {decline.isPending && <Spinner />}
          Decline
        </button>
        <button
          type="button"
          className="btn btn--primary"
          disabled={busy}
          onClick={() => accept.mutate(undefined, { onSuccess: () => navigate(teamPath(invitation.organizationId)) })}
        >
          {accept.isPending ? <Spinner /> : <Check size={16} aria-hidden="true" />}
          Accept invitation
        </button>
      </div>
    </section>
  );
}
