import { ChartColumn, KeyRound, Plus, Users, type LucideIcon } from "lucide-react";
import { useId, useState } from "react";
import { useTeams } from "../hooks/use-teams";
import { TEAM_PAGES, teamIdOf, teamPath, type TeamPage } from "../lib/team-paths";
import { HOME, navigate, useLocation } from "../router";
import { AppLink } from "./app-link";
import { NewTeamDialog } from "./new-team-dialog";

const PERSONAL = "";
const PAGE_ICONS: Record<TeamPage, LucideIcon> = { keys: KeyRound, members: Users, usage: ChartColumn };

/**
 * Personal or one of one's teams, in the sidebar: choosing leads to that side's keys; on a team's
 * pages, links to its Keys, Members and Usage. "New team" makes one.
 */
export function TeamSwitcher() {
  const uid = useId();
  const { pathname } = useLocation();
  const teams = useTeams();
  const [creating, setCreating] = useState(false);
  const current = teamIdOf(pathname);
  const list = teams.data?.teams ?? [];
  // A team page before the list loads (or for a team one is not in): keep the select on it.
  const unlisted = current !== null && !list.some((t) => t.id === current);

  return (
    <nav aria-label="Teams" className="team-switcher">
      {/* "New team" beside the heading: the select gets the sidebar's whole width for long team names. */}
      <div className="team-switcher__head">
        <label htmlFor={`${uid}-team`} className="nav__heading team-switcher__label">
          Team
        </label>
        <button type="button" className="icon-btn team-switcher__new" aria-label="New team" title="New team" onClick={() => setCreating(true)}>
          <Plus size={16} aria-hidden="true" />
        </button>
      </div>
      <select
        id={`${uid}-team`}
        className="input select input--compact team-switcher__select"
        value={current ?? PERSONAL}
        onChange={(e) => navigate(e.target.value === PERSONAL ? HOME : teamPath(e.target.value))}
      >
        <option value={PERSONAL}>Personal</option>
        {list.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
        {unlisted && <option value={current}>{teams.isLoading ? "Loading…" : "Unknown team"}</option>}
      </select>
      {current !== null && (
        <ul className="nav team-switcher__pages">
          {TEAM_PAGES.map(({ page, label }) => {
            const to = teamPath(current, page);
            const here = pathname === to;
            const Icon = PAGE_ICONS[page];
            return (
              <li key={page}>
                <AppLink to={to} className={`nav__link${here ? " nav__link--current" : ""}`} aria-current={here ? "page" : undefined}>
                  <Icon size={18} aria-hidden="true" />
                  {label}
                </AppLink>
              </li>
            );
          })}
        </ul>
      )}
      <NewTeamDialog open={creating} onOpenChange={setCreating} />
    </nav>
  );
}
