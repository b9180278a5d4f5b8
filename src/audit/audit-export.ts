/**
 * The export's file formats, pure. JSON Lines: one AuditEvent per line, as the API shows it.
 * CSV (RFC 4180): a header, one row per event, every cell quoted when it holds a quote, comma or
 * line break; and a cell that a spreadsheet would run as a formula (starting with = + - @, tab
 * or carriage return) gets a leading `'` — labels and user agents are chosen by whoever made
 * the request, so they are never trusted to be inert.
 */
import type { AuditEvent } from "../shared/api-schemas.js";
import { auditSentenceText } from "../shared/audit-sentence.js";

export const CSV_COLUMNS = [
  "seq", "id", "at", "action", "summary", "actor_type", "actor_id", "actor_label",
  "target_type", "target_id", "target_label", "ip", "user_agent", "details",
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvHeader = () => `${CSV_COLUMNS.join(",")}\r\n`;

export function csvRow(e: AuditEvent): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string | number | null> = {
    seq: e.seq,
    id: e.id,
    at: e.at,
    action: e.action,
    summary: auditSentenceText(e),
    actor_type: e.actor.type,
    actor_id: e.actor.id,
    actor_label: e.actor.label,
    target_type: e.target?.type ?? null,
    target_id: e.target?.id ?? null,
    target_label: e.target?.label ?? null,
    ip: e.ip,
    user_agent: e.userAgent,
    details: JSON.stringify(e.details),
  };
  return `${CSV_COLUMNS.map((c) => csvCell(cells[c])).join(",")}\r\n`;
}

export const jsonLine = (e: AuditEvent) => `${JSON.stringify(e)}\n`;
