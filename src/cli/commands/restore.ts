/**
 * `keyhaven restore FILE [--passphrase-file PATH] [--force]`: a backup (backup.ts) into the
 * configured database — SQLite in the data dir or DATABASE_URL, either way from either — in one
 * transaction, its data keys wrapped under this instance's own master key. Every key and the
 * audit chain are verified before it commits; any failure leaves the database as it was.
 */
import fs from "node:fs";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import { loadConfig } from "../../platform/config.js";
import { createLogger } from "../../platform/logger.js";
import { createRuntime, type Runtime } from "../../app/compose.js";
import { CLI_ACTOR } from "../../access/actor.js";
import { auditEvent } from "../../audit/audit-service.js";
import { snapshotRecordsOf } from "../../backup/backup-file.js";
import { firstNonEmptyTable, restoreSnapshot } from "../../backup/restore-writer.js";
import { asBackupFailure, BACKUP_EXIT, backupFailure } from "./backup-exit.js";
import { readPassphrase } from "./backup-passphrase.js";
import { describeCounts, formatRate, rowsProgress } from "./backup-progress.js";

const USAGE = "usage: keyhaven restore FILE [--passphrase-file PATH] [--force]";

function parseArgs(argv: string[]): { file: string; passphraseFile?: string; force: boolean } {
  const files: string[] = [];
  let passphraseFile: string | undefined;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--passphrase-file") {
      passphraseFile = argv[++i];
      if (!passphraseFile) throw backupFailure(`--passphrase-file needs a value\n${USAGE}`, BACKUP_EXIT.USAGE);
    } else if (arg === "--force") force = true;
    else if (arg.startsWith("-") && arg !== "-") throw backupFailure(`unknown argument "${arg}"\n${USAGE}`, BACKUP_EXIT.USAGE);
    else files.push(arg);
  }
  if (files.length !== 1) throw backupFailure(`${files.length ? "name one backup file" : "name the backup file"}\n${USAGE}`, BACKUP_EXIT.USAGE);
  return { file: files[0], passphraseFile, force };
}

async function countOf(runtime: Runtime, table: string): Promise<number> {
  const db = runtime.database.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  return Number((await db.selectFrom(table).select(sql<number | string>`count(*)`.as("n")).executeTakeFirstOrThrow()).n);
}

export async function restoreCommand(argv: string[]): Promise<void> {
  if (argv[0] === "--help" || argv[0] === "-h") {
    process.stdout.write(`${USAGE}\nrestores a backup into the configured database (empty, or replaced with --force), under this instance's master key; everyone signs in again\n`);
    return;
  }
  const args = parseArgs(argv);
  const file = path.resolve(args.file);
  try {
    fs.accessSync(file, fs.constants.R_OK);
    if (!fs.statSync(file).isFile()) throw Object.assign(new Error(), { code: "EISDIR" });
  } catch (err) {
    throw backupFailure(`cannot read the backup file ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`, BACKUP_EXIT.NO_INPUT);
  }

  const config = loadConfig();
  // As at a server's first start: migrated, and a fresh database gets its master key check.
  const runtime = await createRuntime(config, createLogger(config.logLevel, undefined, config.logFormat));
  const progress = rowsProgress("restoring");
  try {
    if (!args.force && (await firstNonEmptyTable(runtime.database.db))) {
      const [users, keys] = [await countOf(runtime, "user"), await countOf(runtime, "api_keys")];
      throw backupFailure(
        `the target database is not empty (${users} user${users === 1 ? "" : "s"}, ${keys} key${keys === 1 ? "" : "s"}); restore into an empty database, or pass --force to replace everything`,
        BACKUP_EXIT.WOULD_REPLACE,
      );
    }
    const passphrase = await readPassphrase(args.passphraseFile, { confirm: false });
    const started = Date.now();
    const input = fs.createReadStream(file);
    let report;
    try {
      report = await restoreSnapshot(runtime.database, runtime.keyring, snapshotRecordsOf(input, passphrase), {
        force: args.force,
        onProgress: (p) => progress.update(p),
        auditEvents: (counts) => [
          auditEvent(CLI_ACTOR, "backup.import", {
            target: { type: "backup", id: path.basename(file), label: path.basename(file) },
            details: { file: path.basename(file), counts, replaced: args.force },
          }),
        ],
      });
    } finally {
      input.destroy();
    }
    progress.clear();
    const rows = Object.values(report.counts).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `restored ${rows} rows (${describeCounts(report.counts)}) in ${formatRate(rows, fs.statSync(file).size, Date.now() - started)}\n` +
        `verified: ${report.dataKeysVerified} data key(s), ${report.keysVerified} key(s), ${report.versionsVerified} kept version(s), ${report.auditVerified} audit event(s); everyone signs in again\n`,
    );
  } catch (err) {
    progress.clear();
    throw asBackupFailure(err);
  } finally {
    await runtime.close();
  }
}
