/** Route patterns with `:params`: the route table finds team and invitation pages and hands them their ids. */
import { describe, expect, it } from "vitest";
import { fillPath, matchPath } from "../../web/src/lib/route-match";
import { invitationLink, teamIdOf, teamPath } from "../../web/src/lib/team-paths";
import { findRoute, matchRoute, ROUTES } from "../../web/src/routes";

describe("matchPath", () => {
  it("matches literal paths exactly, with no params", () => {
    expect(matchPath("/keys", "/keys")).toEqual({});
    expect(matchPath("/keys", "/keys/extra")).toBeNull();
    expect(matchPath("/keys", "/key")).toBeNull();
  });

  it("takes each :name segment as a param, decoded", () => {
    expect(matchPath("/teams/:teamId/keys", "/teams/t1/keys")).toEqual({ teamId: "t1" });
    expect(matchPath("/teams/:teamId/keys", "/teams/a%20b%2Fc/keys")).toEqual({ teamId: "a b/c" });
    expect(matchPath("/teams/:teamId/:page", "/teams/t1/usage")).toEqual({ teamId: "t1", page: "usage" });
  });

  it("refuses an empty param, another length, another literal, or a malformed escape", () => {
    expect(matchPath("/teams/:teamId/keys", "/teams//keys")).toBeNull();
    expect(matchPath("/teams/:teamId/keys", "/teams/t1")).toBeNull();
    expect(matchPath("/teams/:teamId/keys", "/teams/t1/keys/more")).toBeNull();
    expect(matchPath("/teams/:teamId/keys", "/teams/t1/members")).toBeNull();
    expect(matchPath("/teams/:teamId/keys", "/teams/%E0%A4%A/keys")).toBeNull();
  });

  it("fills a pattern back in, encoded", () => {
    expect(fillPath("/teams/:teamId/keys", { teamId: "a b/c" })).toBe("/teams/a%20b%2Fc/keys");
    expect(matchPath("/teams/:teamId/keys", fillPath("/teams/:teamId/keys", { teamId: "a b/c" }))).toEqual({ teamId: "a b/c" });
  });
});

describe("the route table", () => {
  it("finds the team pages and the invitation page with their ids", () => {
    expect(matchRoute("/teams/t1/keys")).toMatchObject({ route: { title: "Team keys" }, params: { teamId: "t1" } });
    expect(matchRoute("/teams/t1/members")).toMatchObject({ route: { title: "Team members" }, params: { teamId: "t1" } });
    expect(matchRoute("/teams/t1/usage")).toMatchObject({ route: { title: "Team usage" }, params: { teamId: "t1" } });
    expect(matchRoute("/invite/inv_1")).toMatchObject({ route: { title: "Invitation", access: "user" }, params: { invitationId: "inv_1" } });
    expect(findRoute("/teams/t1")).toBeUndefined();
    expect(findRoute("/teams/t1/settings")).toBeUndefined();
  });

  it("keeps plain paths plain, with empty params", () => {
    expect(matchRoute("/settings/teams")).toMatchObject({ route: { title: "Teams" }, params: {} });
    expect(matchRoute("/keys")?.params).toEqual({});
  });

  it("no two patterns match the same path", () => {
    for (const route of ROUTES) {
      const sample = route.path.replace(/:[A-Za-z]+/g, "x");
      expect(matchRoute(sample)?.route).toBe(route);
    }
  });
});

describe("team paths", () => {
  it("builds a team's page paths and reads the team back from one", () => {
    expect(teamPath("t1")).toBe("/teams/t1/keys");
    expect(teamPath("t1", "members")).toBe("/teams/t1/members");
    expect(teamIdOf("/teams/t1/usage")).toBe("t1");
    expect(teamIdOf("/keys")).toBeNull();
    expect(teamIdOf("/settings/teams")).toBeNull();
  });

  it("makes the invitation link from the page's origin", () => {
    expect(invitationLink("https://keys.example.com", "inv 1")).toBe("https://keys.example.com/invite/inv%201");
  });
});
