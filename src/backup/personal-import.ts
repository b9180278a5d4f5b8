/**
 * A keys file (personal-export.ts) back into an owner's keys. Every key goes through the key
 * service's create, so the format checks, the key limit and the `key.create` event apply as
 * for a key typed in; one `backup.import` event sums the import up. A key whose name is taken
 * for its service is skipped, never overwritten. A preview (dryRun) runs the same checks and
 * writes nothing.
 *
 * The file is opened whole before the first key is written: a wrong passphrase or a damaged
 * file fails the import with nothing written.
 */
import { Readable } from "node:stream";
import type { Actor } from "../access/actor.js";
import type { OwnerRef } from "../access/owner.js";
import { auditEvent, type AuditService } from "../audit/audit-service.js";
import { BackupFormatError } from "../crypto/backup-format-error.js";
import { createBackupDecryptor } from "../crypto/backup-stream.js";
import type { CreateKeyInput, KeyService } from "../keys/key-service.js";
import type { z } from "zod";
import { AppError, clip, validationError } from "../platform/errors.js";
import { createKeyBodySchema, type ImportReport } from "../shared/api-schemas.js";
import { decodeRecords } from "./backup-records.js";
import { KEYS_FILE_FORMAT, KEYS_FILE_KIND, KEY_RECORD_KIND, keyRecordSchema } from "./personal-records.js";

export interface PersonalImportDeps {
  keys: Pick<KeyService, "check" | "checkCreate" | "create" | "keyNames">;
  audit: Pick<AuditService, "record">;
}

const FILE_HEADER = "keyhaven-backup";
const FILE_END = "end";

/** The refusal of a file that cannot be read, in words the person importing can act on (400). */
const unreadable = (message: string) => new AppError("VALIDATION_ERROR", message);

/** The records of a keys file after its `keyhaven-keys` record, all checked before any is used. */
async function readKeyRecords(file: Uint8Array, passphrase: string): Promise<unknown[]> {
  const records: unknown[] = [];
  let header: Record<string, unknown> | undefined;
  try {
    const decryptor = createBackupDecryptor(passphrase);
    for await (const record of decodeRecords(Readable.from([Buffer.from(file.buffer, file.byteOffset, file.byteLength)]).pipe(decryptor))) {
      if (record.kind === FILE_HEADER || record.kind === FILE_END) continue;
      if (!header) {
        if (record.kind === "snapshot") throw unreadable("This is a backup of a whole instance: an operator restores it with keyhaven restore");
        if (record.kind !== KEYS_FILE_KIND) throw unreadable("This backup file holds no exported keys");
        if (typeof record.format === "number" && record.format > KEYS_FILE_FORMAT) {
          throw unreadable(`These keys were exported by a newer Keyhaven (format ${record.format}); upgrade to import them`);
        }
        if (record.format !== KEYS_FILE_FORMAT) throw unreadable("The keys file is damaged or was altered: its first record is malformed");
        header = record;
      } else if (record.kind === KEY_RECORD_KIND) {
        records.push(record);
      } else {
        throw unreadable("The keys file is damaged or was altered: it holds something other than keys");
      }
    }
  } catch (err) {
    if (err instanceof BackupFormatError) throw unreadable(err.message);
    throw err;
  }
  if (!header) throw unreadable("This backup file holds no exported keys");
  return records;
}

/**
 * The passphrase as sent in a header: HTTP carries header bytes, which Node reads one character
 * per byte; a client sending a UTF-8 passphrase gets its characters back here.
 */
export function passphraseFromHeader(raw: string): string {
  if (!/[^\x00-\x7f]/.test(raw) || /[^\x00-\xff]/.test(raw)) return raw;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(raw, "latin1"));
  } catch {
    return raw;
  }
}

/** A name or service echoed in the report is the file's text: bounded, like any error detail. */
const ENTRY_MAX = 200;

/** zod's issues as one line; its messages say what was expected, never the value. */
const issuesText = (error: z.ZodError) =>
  `Invalid key: ${error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join(".") || "key"}: ${i.message}`)
    .join("; ")}`;

const refusalOf = (err: unknown): string | undefined =>
  err instanceof AppError && (err.status === 400 || err.status === 409) ? err.message : undefined;

export async function importKeysFile(
  deps: PersonalImportDeps,
  actor: Actor,
  owner: OwnerRef,
  file: Uint8Array,
  passphrase: string,
  opts: { dryRun: boolean },
): Promise<ImportReport> {
  const { keys } = deps;
  // Refused callers (a team's member, a token without keys:write) learn nothing about the file.
  await keys.check(actor, "key.create", owner);
  if (file.byteLength === 0) throw validationError("Send the exported file as the request body");
  const records = await readKeyRecords(file, passphrase);

  const existing = await keys.keyNames(actor, owner);
  const slot = (service: string, name: string) => `${service}\u0000${name}`;
  const taken = new Set(existing.map((k) => slot(k.service, k.name)));
  const hasDefault = new Set(existing.filter((k) => k.isDefault).map((k) => k.service));
  const report: ImportReport = { created: [], skipped: [], refused: [] };

  for (const raw of records) {
    const parsed = keyRecordSchema.safeParse(raw);
    if (!parsed.success) {
      const r = raw as Record<string, unknown>;
      const [name, service] = [typeof r.name === "string" ? r.name : "", typeof r.service === "string" ? r.service : ""];
      report.refused.push({ name: clip(name, ENTRY_MAX), service: clip(service, ENTRY_MAX), reason: "not a key record this version reads" });
      continue;
    }
    const record = parsed.data;
    const entry = { name: clip(record.name, ENTRY_MAX), service: clip(record.service, ENTRY_MAX) };
    const key = slot(record.service, record.name.trim());
    if (taken.has(key)) {
      report.skipped.push({ ...entry, reason: "duplicate name" });
      continue;
    }
    // An imported default does not displace one the owner already has for that service.
    const isDefault = record.isDefault === true && !hasDefault.has(record.service);
    // The create route's own body schema first (lengths, control characters, dates), then the key service.
    const body = createKeyBodySchema.safeParse({
      name: record.name,
      service: record.service,
      value: record.value,
      description: record.description ?? null,
      config: record.config ?? {},
      isActive: record.isActive ?? true,
      isDefault,
      expiresAt: record.expiresAt ?? null,
    });
    if (!body.success) {
      report.refused.push({ ...entry, reason: issuesText(body.error) });
      continue;
    }
    const input: CreateKeyInput = { ...body.data, rotation: { everyDays: record.rotation?.everyDays ?? null } };
    try {
      if (opts.dryRun) await keys.checkCreate(actor, owner, input);
      else await keys.create(actor, owner, input);
    } catch (err) {
      const reason = refusalOf(err);
      if (reason === undefined) throw err;
      report.refused.push({ ...entry, reason });
      continue;
    }
    taken.add(key);
    if (isDefault) hasDefault.add(record.service);
    report.created.push(entry);
  }

  if (!opts.dryRun) {
    const details = {
      created: report.created.length,
      skipped: report.skipped.length,
      refused: report.refused.length,
      ...(owner.type === "team" ? { teamId: owner.id } : {}),
    };
    await deps.audit.record(auditEvent(actor, "backup.import", { owner, details }));
  }
  return report;
}
