import { CalendarClock } from "lucide-react";
import type { ApiKey } from "../keyhaven";
import { EXPIRING_SOON_DAYS } from "../../../src/shared/expiry";
import { keysExpiringSoon } from "../lib/key-status";
import { AppLink } from "./app-link";
import { KeyDeadlineList } from "./key-deadline-list";

/** Active keys that stop being handed out within EXPIRING_SOON_DAYS, soonest first (the stats card's rule). */
export function ExpiringKeys({ apiKeys }: { apiKeys: ApiKey[] }) {
  return (
    <KeyDeadlineList
      titleId="expiring-title"
      title="Expiring soon"
      meta={`Next ${EXPIRING_SOON_DAYS} days`}
      keys={keysExpiringSoon(apiKeys)}
      when={(k) => k.expiresAt}
      testId="expiring-keys"
      empty={
        <>
          <CalendarClock size={16} aria-hidden="true" /> No active key expires in the next {EXPIRING_SOON_DAYS} days.
        </>
      }
      footer={<AppLink to="/keys" className="link">Renew or extend them on the keys page</AppLink>}
    />
  );
}
