import { X } from "lucide-react";
import type { ApiKey, TokenInfo } from "../keyhaven";
import { AUDIT_ACTION_OPTIONS, hasAuditFilters, NO_AUDIT_FILTERS, type AuditFilters } from "../lib/audit-filters";

interface Props {
  filters: AuditFilters;
  onChange: (next: AuditFilters) => void;
  keys: readonly ApiKey[];
  tokens: readonly TokenInfo[];
  userId: string;
  isAdmin: boolean;
}

/** The Audit page's filters: each applies as soon as it changes (the list and the export links follow). */
export function AuditFiltersForm({ filters, onChange, keys, tokens, userId, isAdmin }: Props) {
  const set = <K extends keyof AuditFilters>(name: K, value: AuditFilters[K]) => onChange({ ...filters, [name]: value });
  return (
    <form className="audit-filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
      <label className="field">
        <span className="field__label">Action</span>
        <select className="input select" value={filters.action} onChange={(e) => set("action", e.target.value)}>
          <option value="">All actions</option>
          {AUDIT_ACTION_OPTIONS.map(({ group, actions }) => (
            <optgroup key={group} label={group}>
              {actions.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field__label">Key</span>
        <select className="input select" value={filters.keyId} onChange={(e) => set("keyId", e.target.value)}>
          <option value="">All keys</option>
          {keys.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field__label">By</span>
        <select className="input select" value={filters.actorId} onChange={(e) => set("actorId", e.target.value)}>
          <option value="">Anyone</option>
          <option value={userId}>Me</option>
          {tokens.length > 0 && (
            <optgroup label="My access tokens">
              {tokens.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </optgroup>
          )}
          <optgroup label="Keyhaven">
            <option value="library">The library (apiKeyProvider)</option>
            <option value="cli">keyhaven CLI</option>
            <option value="retention">Audit retention</option>
          </optgroup>
        </select>
      </label>
      <label className="field">
        <span className="field__label">From</span>
        <input className="input" type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => set("from", e.target.value)} />
      </label>
      <label className="field">
        <span className="field__label">To</span>
        <input className="input" type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => set("to", e.target.value)} />
      </label>
      <div className="audit-filters__end">
        {isAdmin && (
          <label className="audit-filters__toggle">
            <input type="checkbox" checked={filters.all} onChange={(e) => set("all", e.target.checked)} />
            All users
          </label>
        )}
        {hasAuditFilters(filters) && (
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => onChange({ ...NO_AUDIT_FILTERS, all: filters.all })}>
            <X size={14} aria-hidden="true" />
            Clear filters
          </button>
        )}
      </div>
    </form>
  );
}
