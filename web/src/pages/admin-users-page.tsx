import { Ban, UserPlus, Users } from "lucide-react";
import { useState } from "react";
import type { AdminUser } from "../../../src/shared/api-schemas.js";
import { AdminAddUserDialog } from "../components/admin-add-user-dialog";
import { ConfirmDialog } from "../components/confirm-dialog";
import { AdminUserRow } from "../components/admin-user-row";
import { EmptyState } from "../components/empty-state";
import { FormError } from "../components/form-error";
import { PageHeader } from "../components/page-header";
import { ListBody } from "../components/list-body";
import { Notice, useNotice } from "../components/notice";
import { useAdminUsers } from "../hooks/use-admin";
import { useSession } from "../hooks/use-session";
import { errorMessage } from "../keyhaven";

/** Admins only: every account on this instance; add one, disable or enable one. Never anyone's keys. */
export function AdminUsersPage() {
  const me = useSession().data?.user.id;
  const { users, createUser, disableUser, enableUser } = useAdminUsers();
  const [adding, setAdding] = useState(false);
  const [disabling, setDisabling] = useState<AdminUser | null>(null);
  const [notice, setNotice] = useNotice();

  const list = users.data ?? [];
  const body = (
    <ListBody
      query={users}
      loadingLabel="Loading users…"
      errorTitle="Couldn't load the users"
      empty={
        <EmptyState icon={<Users size={28} />} title="No users yet">
          <p className="state__text">Add the people who should keep their keys here.</p>
        </EmptyState>
      }
    >
      {(list) => (
        <ul className="admin-list" aria-label="Users">
          {list.map((user) => (
            <AdminUserRow
              key={user.id}
              user={user}
              isSelf={user.id === me}
              onDisable={() => setDisabling(user)}
              onEnable={() => enableUser.mutate(user.id, { onSuccess: () => setNotice(`Enabled ${user.email}`) })}
              enabling={enableUser.isPending && enableUser.variables === user.id}
            />
          ))}
        </ul>
      )}
    </ListBody>
  );

  const disabled = list.filter((u) => u.disabled).length;
  return (
    <>
      <PageHeader
        title="Users"
        description={
          list.length
            ? `${list.length} account${list.length === 1 ? "" : "s"}${disabled ? `, ${disabled} disabled` : ""}. Admins manage accounts; they never see anyone's keys.`
            : "Everyone with an account on this Keyhaven."
        }
        actions={
          <button type="button" className="btn btn--primary" onClick={() => setAdding(true)}>
            <UserPlus size={16} aria-hidden="true" />
            Add user
          </button>
        }
      />
      <Notice message={notice} />
      <FormError message={enableUser.error ? errorMessage(enableUser.error) : null} />
      {body}
      <AdminAddUserDialog open={adding} onOpenChange={setAdding} createUser={createUser.mutateAsync} onAdded={(u) => setNotice(`Added ${u.email}`)} />
      {disabling && (
        <ConfirmDialog
          open
          onOpenChange={(open) => !open && setDisabling(null)}
          title={`Disable ${disabling.name || disabling.email}?`}
          description={
            <>
              {disabling.email} is signed out everywhere at once, their access tokens are revoked, and they cannot sign in until an admin enables the
              account again. Their keys stay stored.
            </>
          }
          confirmLabel="Disable"
          icon={<Ban size={16} aria-hidden="true" />}
          onConfirm={async () => {
            await disableUser.mutateAsync(disabling.id);
            setNotice(`Disabled ${disabling.email}`);
          }}
        />
      )}
    </>
  );
}
