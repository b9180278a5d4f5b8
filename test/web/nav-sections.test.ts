/** The sidebar's groups come from the route table's paths: nested pages under their section's heading. */
import { ChartColumn, KeyRound, KeySquare, Users } from "lucide-react";
import { describe, expect, it } from "vitest";
import { navSections } from "../../web/src/lib/nav-sections";
import { ROUTES, type AppRoute } from "../../web/src/routes";

const Page = () => null;
const route = (path: string, title: string, nav?: AppRoute["nav"]): AppRoute => ({ path, page: Page, access: "user", title, nav });

describe("navSections", () => {
  it("lists top-level pages first, then each section in table order, skipping pages without nav", () => {
    const sections = navSections([
      route("/keys", "API Keys", KeyRound),
      route("/settings/tokens", "Access tokens", KeySquare),
      route("/admin/users", "Users", Users),
      route("/usage", "Usage", ChartColumn),
      route("/settings/hidden", "Hidden"),
    ]);
    expect(sections.map((s) => [s.label, s.items.map((i) => i.to)])).toEqual([
      [null, ["/keys", "/usage"]],
      ["Settings", ["/settings/tokens"]],
      ["Admin", ["/admin/users"]],
    ]);
  });

  it("the app's table puts Access tokens and Teams under Settings, and no team page in the navigation", () => {
    const settings = navSections(ROUTES).find((s) => s.label === "Settings");
    expect(settings?.items.map((i) => i.label)).toEqual(["Access tokens", "Teams"]);
    expect(navSections(ROUTES).flatMap((s) => s.items.map((i) => i.to)).filter((to) => to.includes(":"))).toEqual([]);
  });
});
