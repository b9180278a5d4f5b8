/**
 * `GET /api/audit/export` through the real app on both databases: the whole filtered log (more
 * than one internal page), never another user's events, the same access rules as the list
 * (admins only for all=true, a token needs audit:read), CSV that parses back to the same
 * labels — quotes, commas, line breaks and all — with formulas defused, JSON Lines equal to the
 * API's events, and no secret anywhere in either file.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { appendAuditEvents } from "../../src/audit/audit-store.js";
import { AUDIT_EXPORT_PAGE } from "../../src/audit/audit-reader.js";
import { CSV_COLUMNS } from "../../src/audit/audit-export.js";

/** An RFC 4180 reader written for this test, independent of the code under test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") endCell();
    else if (ch === "\r" && text[i + 1] === "\n") {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += ch;
  }
  if (cell !== "" || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

const records = (text: string) => {
  const [header, ...rows] = parseCsv(text);
  return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
};

const HOSTILE = 'Prod, "main" key';
/** Names cannot hold line breaks through the API; an event written directly can, so the file must cope. */
const MULTILINE = "line one\r\nline two, \"quoted\"";
const FORMULA = '=HYPERLINK("http://evil.example","x")';

describeEachDatabase("audit export over HTTP", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser; // the first account: the instance admin
  let bob: SignedUpUser;
  let hostileId: string;
  let auditToken: string;
  let plainToken: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    alice = await h.signUp();
    bob = await h.signUp();
    const v1 = openaiKey();
    const v2 = openaiKey();
    const v3 = openaiKey();
    secrets.push(v1, v2, v3, alice.password, alice.sessionToken, bob.sessionToken);
    hostileId = (await h.createKey(alice, { name: HOSTILE, service: "openai", value: v1 })).id;
    await h.createKey(alice, { name: FORMULA, service: "openai", value: v2 });
    await h.createKey(bob, { name: "Bob's own", service: "openai", value: v3 });
    expect((await h.request("GET", `/api/api-keys/${hostileId}?includeValue=true`, { cookie: alice.cookie })).status).toBe(200);
    auditToken = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "auditor", scopes: ["audit:read"] } }), 201)).token;
    plainToken = (await jsonOf(await h.request("POST", "/api/tokens", { cookie: alice.cookie, body: { name: "ro", scopes: ["keys:read"] } }), 201)).token;
    secrets.push(auditToken, plainToken);
    // Enough hand-out events to need more than one page inside the export.
    const many = Array.from({ length: AUDIT_EXPORT_PAGE + 30 }, (_, i) => ({
      action: "key.use" as const,
      actor: { type: "system" as const, id: "library", label: "the library (apiKeyProvider)" },
      target: { type: "key", id: hostileId },
      userId: alice.id,
      details: { count: i + 1 },
    }));
    await h.runtime.database.db.transaction().execute((trx) => appendAuditEvents(trx, many, new Date().toISOString()));
    await h.runtime.database.db.transaction().execute((trx) =>
      appendAuditEvents(
        trx,
        [{ action: "key.update", actor: { type: "user", id: alice.id, label: "-Ada, the \"admin\"" }, target: { type: "key", id: "key_x", label: MULTILINE }, userId: alice.id, details: { fields: ["name"] } }],
        new Date().toISOString(),
      ),
    );
  });
  afterAll(() => h?.close());

  const exportOf = (query: string, auth: { cookie?: string; token?: string } = { cookie: alice.cookie }) =>
    h.request("GET", `/api/audit/export?${query}`, auth.token ? { origin: null, headers: { authorization: `Bearer ${auth.token}` } } : { cookie: auth.cookie });

  async function everything(query: string, cookie = alice.cookie) {
    const events: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await jsonOf(await h.request("GET", `/api/audit?limit=200&${query}${cursor ? `&cursor=${cursor}` : ""}`, { cookie }), 200);
      events.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor);
    return events;
  }

  it("JSON Lines: every matching event across internal pages, equal to the API's, newest first, as an attachment", async () => {
    const res = await exportOf("format=jsonl");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="keyhaven-audit-\d{4}-\d{2}-\d{2}\.jsonl"$/);
    const text = await res.text();
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(AUDIT_EXPORT_PAGE);
    expect(lines).toEqual(await everything(""));
    const seqs = lines.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
  });

  it("CSV parses back to the same labels (quotes, commas, newlines) and defuses formulas", async () => {
    const res = await exportOf("format=csv&action=key.create");
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/filename="keyhaven-audit-.*\.csv"/);
    const { header, rows } = records(await res.text());
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows.map((r) => r.action)).toEqual(["key.create", "key.create"]);
    expect(rows.map((r) => r.target_label)).toEqual([`'${FORMULA}`, HOSTILE]);
    expect(rows[1].summary).toBe(`${alice.name} added ${HOSTILE} (openai)`);
    expect(JSON.parse(rows[1].details)).toEqual({ service: "openai" });
    for (const r of rows) expect(Object.keys(r)).toHaveLength(CSV_COLUMNS.length);

    const [edited] = records(await (await exportOf("format=csv&action=key.update")).text()).rows;
    expect(edited).toMatchObject({ target_label: MULTILINE, actor_label: `'-Ada, the "admin"`, target_id: "key_x" });
    expect(edited.summary).toBe(`'-Ada, the "admin" changed the name of ${MULTILINE}`);
  });

  it("filters are the list's: action, key, actor, time window", async () => {
    const reveal = records(await (await exportOf(`format=csv&action=key.reveal&keyId=${hostileId}`)).text()).rows;
    expect(reveal).toHaveLength(1);
    expect(reveal[0]).toMatchObject({ action: "key.reveal", target_id: hostileId, actor_id: alice.id, target_label: HOSTILE });
    const byLibrary = records(await (await exportOf("format=csv&actorId=library")).text()).rows;
    expect(byLibrary).toHaveLength(AUDIT_EXPORT_PAGE + 30);
    expect(new Set(byLibrary.map((r) => r.action))).toEqual(new Set(["key.use"]));
    expect(byLibrary[0].summary).toBe(`The library (apiKeyProvider) used ${HOSTILE} ${AUDIT_EXPORT_PAGE + 30} times`);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(records(await (await exportOf(`format=csv&from=${encodeURIComponent(future)}`)).text()).rows).toEqual([]);
    const past = records(await (await exportOf(`format=csv&to=${encodeURIComponent(future)}&action=token.create`)).text()).rows;
    expect(past.map((r) => r.target_label).sort()).toEqual(["auditor", "ro"]);
  });

  it("another user's events are never included; all=true is the admin's, with a session", async () => {
    const bobs = await (await exportOf("format=jsonl", { cookie: bob.cookie })).text();
    const bobEvents = bobs.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(bobEvents.map((e) => e.target?.label)).toContain("Bob's own");
    for (const e of bobEvents) expect(e.actor.id).toBe(bob.id);
    expect(bobs).not.toContain(alice.id);
    expect(bobs).not.toContain(hostileId);
    // Bob asking for Alice's key by id gets nothing, not her events.
    expect(await (await exportOf(`format=csv&keyId=${hostileId}`, { cookie: bob.cookie })).text()).toBe(`${CSV_COLUMNS.join(",")}\r\n`);
    expect((await exportOf("format=csv&all=true", { cookie: bob.cookie })).status).toBe(403);
    const all = await (await exportOf("format=jsonl&all=true&action=key.create")).text();
    expect(all).toContain("Bob's own");
  });

  it("tokens need audit:read; no session is 401; a bad format or filter is 400 before anything is sent", async () => {
    const byToken = await exportOf("format=jsonl&action=key.reveal", { token: auditToken });
    expect(byToken.status).toBe(200);
    expect((await byToken.text()).trimEnd().split("\n")).toHaveLength(1);
    expect((await exportOf("format=csv", { token: plainToken })).status).toBe(403);
    expect((await h.request("GET", "/api/audit/export?format=csv", {})).status).toBe(401);
    const bad = await exportOf("format=xml");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain("query.format must be csv or jsonl");
    expect((await exportOf("format=csv&from=yesterday")).status).toBe(400);
    expect((await exportOf("format=csv&limit=5")).status).toBe(400);
  });

  it("no secret in either file", async () => {
    const files = [await (await exportOf("format=csv&all=true")).text(), await (await exportOf("format=jsonl&all=true")).text()];
    for (const file of files) for (const s of secrets) expect(file).not.toContain(s);
  });
});
