/**
 * The sidebar's groups, from the route table alone: top-level pages first, unlabelled; a page
 * one level down (`/settings/tokens`) under its first segment as a heading ("Settings"), so a
 * new area appears in the navigation by its path, with no list of areas to keep.
 */
import type { LucideIcon } from "lucide-react";
import type { AppRoute } from "../routes";

export interface NavItem {
  to: string;
  label: string;
  Icon: LucideIcon;
}

export interface NavSection {
  /** null for the top-level pages. */
  label: string | null;
  items: NavItem[];
}

function sectionOf(path: string): string | null {
  const segments = path.split("/").filter(Boolean);
  if (segments.length < 2) return null;
  const [first] = segments;
  return first.charAt(0).toUpperCase() + first.slice(1).replace(/-/g, " ");
}

/** Sections in the order their first page appears in the table; pages in table order within each. */
export function navSections(routes: readonly AppRoute[]): NavSection[] {
  const sections: NavSection[] = [{ label: null, items: [] }];
  for (const route of routes) {
    if (!route.nav) continue;
    const label = sectionOf(route.path);
    let section = sections.find((s) => s.label === label);
    if (!section) sections.push((section = { label, items: [] }));
    section.items.push({ to: route.path, label: route.title, Icon: route.nav });
  }
  return sections.filter((s) => s.items.length > 0);
}
