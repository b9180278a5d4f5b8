/**
 * True when the violated constraint is the one-default-per-service index. PostgreSQL names the
 * constraint; SQLite lists the columns, and only the name index includes api_keys.name.
 */
export function isDefaultViolation(err: unknown): boolean {
  const e = err as { constraint?: string; message?: string } | undefined;
  if (e?.constraint) return e.constraint === "api_keys_one_default_uq";
  return /UNIQUE constraint failed: api_keys\.owner_type, api_keys\.owner_id, api_keys\.service$/.test(e?.message ?? "");
}

/** True when a write failed on a UNIQUE constraint, in either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | undefined;
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
