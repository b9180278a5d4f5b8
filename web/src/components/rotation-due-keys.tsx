import { RefreshCw } from "lucide-react";
import type { ApiKey } from "../keyhaven";
import { keysDueForRotation, ROTATION_DUE_SOON_DAYS } from "../lib/rotation";
import { AppLink } from "./app-link";
import { KeyDeadlineList } from "./key-deadline-list";

/** Keys whose rotation period is up or ends within ROTATION_DUE_SOON_DAYS, most overdue first. */
export function RotationDueKeys({ apiKeys, linkToKeys = true }: { apiKeys: ApiKey[]; linkToKeys?: boolean }) {
  return (
    <KeyDeadlineList
      titleId="rotation-due-title"
      title="Rotation due"
      meta={`Overdue or due in ${ROTATION_DUE_SOON_DAYS} days`}
      keys={keysDueForRotation(apiKeys)}
      when={(k) => k.rotation.dueAt}
      testId="rotation-due-keys"
      empty={
        <>
          <RefreshCw size={16} aria-hidden="true" /> No key is due for rotation.
        </>
      }
      footer={linkToKeys ? <AppLink to="/keys" className="link">Rotate them on the keys page</AppLink> : "Use Rotate on each key below."}
    />
  );
}
