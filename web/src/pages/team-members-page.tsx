import { LogOut, UserMinus, UserPlus, Users } from "lucide-react";
import { useState } from "react";
import type { TeamSummary } from "../../../src/shared/api-schemas.js";
import { isTeamRole } from "../../../src/shared/team-roles.js";
import { ConfirmDialog } from "../components/confirm-dialog";
import { EmptyState } from "../components/empty-state";
import { ErrorState } from "../components/error-state";
import { FormError } from "../components/form-error";
import { InvitationRow } from "../components/invitation-row";
import { InviteDialog } from "../components/invite-dialog";
import { LimitsDialog } from "../components/limits-dialog";
import { LoadingState } from "../components/loading-state";
import { MemberRow, roleLabel } from "../components/member-row";
import { Notice, useNotice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { Panel } from "../components/panel";
import { TeamFrame } from "../components/team-frame";
import { TeamSettings } from "../components/team-settings";
import { useLimitSetters } from "../hooks/use-gateway-usage";
import { useSession } from "../hooks/use-session";
import { useFullTeam, useTeamMemberActions } from "../hooks/use-team-members";
import { errorMessage } from "../keyhaven";
import type { TeamInvitation, TeamMember } from "../lib/organization-api";
import { assignableRoles, canManageMember, invitableRoles, teamOffers } from "../lib/team-offers";
import { navigate } from "../router";
import type { RoutePageProps } from "../routes";

/** `/teams/:teamId/members`: who is in the team, pending invitations, Invite, Leave, and the team's settings. */
export function TeamMembersPage({ params }: RoutePageProps) {
  return <TeamFrame teamId={params.teamId}>{(team) => <TeamMembers team={team} />}</TeamFrame>;
}

const isPending = (i: TeamInvitation, now: number) => i.status === "pending" && Date.parse(i.expiresAt) > now;

function TeamMembers({ team }: { team: TeamSummary }) {
  const me = useSession().data?.user.id;
  const full = useFullTeam(team.id);
  const actions = useTeamMemberActions(team.id);
  const offers = teamOffers(team.role);
  const [inviting, setInviting] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const [removing, setRemoving] = useState<TeamMember | null>(null);
  const [cancelling, setCancelling] = useState<TeamInvitation | null>(null);
  const [limiting, setLimiting] = useState<TeamMember | null>(null);
  const setMemberLimits = useLimitSetters().member.mutateAsync;
  const [notice, setNotice] = useNotice();

  const members = full.data?.members ?? [];
  const invitations = (full.data?.invitations ?? []).filter((i) => isPending(i, Date.now()));
  const rolesFor = (m: TeamMember) => (isTeamRole(m.role) && canManageMember(team.role, m.role, m.userId === me) ? assignableRoles(team.role) : []);

  let body;
  if (full.isLoading) body = <LoadingState label="Loading members…" />;
  else if (full.error && !full.data) body = <ErrorState title="Couldn't load the members" error={full.error} onRetry={() => void full.refetch()} />;
  else if (members.length === 0)
    body = (
      <EmptyState icon={<Users size={28} />} title="No members">
        <p className="state__text">Invite people to share the team's keys.</p>
      </EmptyState>
    );
  else
    body = (
      <Panel titleId="members-title" title="Members" meta={`${members.length} member${members.length === 1 ? "" : "s"}`}>
        <FormError message={actions.updateRole.error ? errorMessage(actions.updateRole.error) : null} />
        <div className="table-wrap">
          <table className="table members-table" aria-labelledby="members-title">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <MemberRow
                  key={m.id}
                  member={m}
                  isSelf={m.userId === me}
                  roles={rolesFor(m)}
                  changingRole={actions.updateRole.isPending && actions.updateRole.variables?.memberId === m.id}
                  onRoleChange={(role) =>
                    actions.updateRole.mutate({ memberId: m.id, role }, { onSuccess: () => setNotice(`${m.user.email} is now ${roleLabel(role).toLowerCase()}`) })
                  }
                  onRemove={() => setRemoving(m)}
                  onLimits={offers.manageMembers ? () => setLimiting(m) : undefined}
                />
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    );

  return (
    <>
      <PageHeader
        title="Members"
        description={`Everyone in ${team.name}. Members use the team's keys; owners and admins manage them.`}
        actions={
          <>
            <button type="button" className="btn btn--ghost" onClick={() => setLeaving(true)}>
              <LogOut size={16} aria-hidden="true" />
              Leave team
            </button>
            {offers.invite && (
              <button type="button" className="btn btn--primary" onClick={() => setInviting(true)}>
                <UserPlus size={16} aria-hidden="true" />
                Invite
              </button>
            )}
          </>
        }
      />
      <Notice message={notice} />
      {body}

      {offers.invite && full.data && (
        <Panel titleId="invitations-title" title="Pending invitations" meta={invitations.length ? `${invitations.length} pending` : undefined}>
          {invitations.length === 0 ? (
            <p className="muted panel__empty">No pending invitations. Invite someone to send them a link.</p>
          ) : (
            <ul className="invitation-list" aria-labelledby="invitations-title">
              {invitations.map((i) => (
                <InvitationRow key={i.id} invitation={i} onCancel={() => setCancelling(i)} />
              ))}
            </ul>
          )}
        </Panel>
      )}

      {(offers.rename || offers.delete) && (
        <TeamSettings
          team={team}
          offers={offers}
          rename={actions.rename.mutateAsync}
          deleteTeam={() => actions.deleteTeam.mutateAsync()}
          onRenamed={(name) => setNotice(`Renamed to ${name}`)}
          onDeleted={() => navigate("/keys")}
        />
      )}

      {offers.invite && (
        <InviteDialog
          teamName={team.name}
          roles={invitableRoles(team.role)}
          open={inviting}
          onOpenChange={setInviting}
          invite={(body) => actions.invite.mutateAsync(body)}
        />
      )}
      <ConfirmDialog
        open={leaving}
        onOpenChange={setLeaving}
        title={`Leave ${team.name}?`}
        description="Your apps stop getting the team's keys at once. To come back, someone in the team has to invite you again."
        confirmLabel="Leave team"
        icon={<LogOut size={16} aria-hidden="true" />}
        onConfirm={async () => {
          await actions.leave.mutateAsync();
          navigate("/keys");
        }}
      />
      {removing && (
        <ConfirmDialog
          open
          onOpenChange={(open) => !open && setRemoving(null)}
          title={`Remove ${removing.user.name || removing.user.email}?`}
          description={`${removing.user.email} leaves ${team.name} at once: their apps stop getting its keys.`}
          confirmLabel="Remove"
          icon={<UserMinus size={16} aria-hidden="true" />}
          onConfirm={async () => {
            await actions.removeMember.mutateAsync(removing.id);
            setNotice(`Removed ${removing.user.email}`);
          }}
        />
      )}
      {limiting && (
        <LimitsDialog
          subject={{ kind: "member", teamId: team.id, id: limiting.userId }}
          name={limiting.user.name || limiting.user.email}
          open
          onOpenChange={(open) => !open && setLimiting(null)}
          save={(limits) => setMemberLimits({ teamId: team.id, userId: limiting.userId, limits })}
          onSaved={setNotice}
        />
      )}
      {cancelling && (
        <ConfirmDialog
          open
          onOpenChange={(open) => !open && setCancelling(null)}
          title={`Cancel the invitation for ${cancelling.email}?`}
          description="Its link stops working. You can invite them again later."
          confirmLabel="Cancel invitation"
          icon={<UserMinus size={16} aria-hidden="true" />}
          onConfirm={async () => {
            await actions.cancelInvitation.mutateAsync(cancelling.id);
            setNotice(`Cancelled the invitation for ${cancelling.email}`);
          }}
        />
      )}
    </>
  );
}
