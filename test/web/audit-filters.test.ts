/** The Audit page's filters become one query string, for the list and the export link alike. */
import { describe, expect, it } from "vitest";
import { auditExportUrl, auditSearchParams, hasAuditFilters, NO_AUDIT_FILTERS, AUDIT_ACTION_OPTIONS } from "../../web/src/lib/audit-filters";
import { AUDIT_ACTIONS } from "../../src/shared/audit-actions.js";

describe("audit filters", () => {
  it("no filters: an empty query, nothing to clear", () => {
    expect(auditSearchParams(NO_AUDIT_FILTERS).toString()).toBe("");
    expect(hasAuditFilters(NO_AUDIT_FILTERS)).toBe(false);
  });

  it("picked days are local: from the start of the first to the start of the day after the last (to is exclusive)", () => {
    const p = auditSearchParams({ ...NO_AUDIT_FILTERS, from: "2026-11-01", to: "2026-11-30" });
    expect(p.get("from")).toBe(new Date(2026, 10, 1).toISOString());
    expect(p.get("to")).toBe(new Date(2026, 11, 1).toISOString());
  });

  it("action, key, actor and the admins' All users map to the API's names", () => {
    const f = { ...NO_AUDIT_FILTERS, action: "key.reveal", keyId: "key_1", actorId: "tok_1", all: true };
    expect(Object.fromEntries(auditSearchParams(f))).toEqual({ action: "key.reveal", keyId: "key_1", actorId: "tok_1", all: "true" });
    expect(hasAuditFilters(f)).toBe(true);
    expect(hasAuditFilters({ ...NO_AUDIT_FILTERS, all: true })).toBe(false);
  });

  it("the export link carries the same filters and the format", () => {
    const url = new URL(auditExportUrl("http://localhost:3000", { ...NO_AUDIT_FILTERS, action: "key.reveal" }, "csv"));
    expect(url.pathname).toBe("/api/audit/export");
    expect(Object.fromEntries(url.searchParams)).toEqual({ action: "key.reveal", format: "csv" });
  });

  it("the action select offers every action once, each with a label", () => {
    const offered = AUDIT_ACTION_OPTIONS.flatMap((g) => g.actions);
    expect(offered.map((a) => a.value)).toEqual([...AUDIT_ACTIONS]);
    for (const a of offered) expect(a.label).toMatch(/^[A-Z]/);
  });
});
