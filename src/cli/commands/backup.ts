/**
 * `keyhaven backup --out FILE [--passphrase-file PATH] [--force]`: the whole local instance, read
 * from one consistent snapshot while servers keep running, into one file sealed under a
 * passphrase (docs/BACKUP-FORMAT.md). FILE only ever holds a whole backup (atomic-output.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../../platform/config.js";
import { createLogger } from "../../platform/logger.js";
import { createRuntime } from "../../app/compose.js";
import { CLI_ACTOR } from "../../access/actor.js";
import { auditEvent } from "../../audit/audit-service.js";
import { backupFileStream } from "../../backup/backup-file.js";
import { writeFileAtomically } from "../../platform/atomic-output.js";
import { StartupError } from "../../platform/errors.js";
import { BACKUP_EXIT, backupFailure, backupWriteFailure } from "./backup-exit.js";
import { readPassphrase } from "./backup-passphrase.js";
import { describeCounts, formatBytes, formatRate, rowsProgress } from "./backup-progress.js";

const USAGE = "usage: keyhaven backup --out FILE [--passphrase-file PATH] [--force]";

export interface BackupArgs {
  out: string;
  passphraseFile?: string;
  force: boolean;
}

function parseArgs(argv: string[]): BackupArgs {
  let out: string | undefined;
  let passphraseFile: string | undefined;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v === "") throw backupFailure(`${arg} needs a value\n${USAGE}`, BACKUP_EXIT.USAGE);
      return v;
    };
    if (arg === "--out" || arg === "-o") out = value();
    else if (arg === "--passphrase-file") passphraseFile = value();
    else if (arg === "--force") force = true;
    else throw backupFailure(`unknown argument "${arg}"\n${USAGE}`, BACKUP_EXIT.USAGE);
  }
  if (!out) throw backupFailure(`name the backup file with --out FILE\n${USAGE}`, BACKUP_EXIT.USAGE);
  return { out, passphraseFile, force };
}

export async function backupCommand(argv: string[]): Promise<void> {
  if (argv[0] === "--help" || argv[0] === "-h") {
    process.stdout.write(`${USAGE}\nwrites the whole instance (users, teams, keys, tokens, usage, audit log; not sessions) to FILE, encrypted under a passphrase (the first line of PATH, else typed twice)\n`);
    return;
  }
  const args = parseArgs(argv);
  const out = path.resolve(args.out);
  if (!args.force && fs.existsSync(out)) throw backupFailure(`${out} exists; choose another name, or pass --force to replace it`, BACKUP_EXIT.WOULD_REPLACE);
  if (!fs.existsSync(path.dirname(out))) throw backupFailure(`the directory ${path.dirname(out)} does not exist`, BACKUP_EXIT.FAILED);
  const passphrase = await readPassphrase(args.passphraseFile, { confirm: true });

  const config = loadConfig();
  const runtime = await createRuntime(config, createLogger(config.logLevel, undefined, config.logFormat));
  const progress = rowsProgress("backing up");
  try {
    const started = Date.now();
    let rows = 0;
    let written = 0;
    let counts: Record<string, number> = {};
    const stream = backupFileStream(runtime.database, runtime.keyring, passphrase, {
      onProgress: (p) => {
        rows = p.rows;
        progress.update(p);
      },
      onEnd: (c) => (counts = c),
    });
    const { bytes } = await writeFileAtomically(out, stream, {
      replace: args.force,
      onBytes: (b) => (written = b),
      // Committed before the file takes its name, so no finished backup goes unrecorded.
      beforeRename: async () => {
        await runtime.audit.record(
          auditEvent(CLI_ACTOR, "backup.export", {
            target: { type: "backup", id: path.basename(out), label: path.basename(out) },
            details: { file: path.basename(out), counts, rows, bytes: written },
          }),
        );
      },
      onSignal: (signal) => {
        progress.clear();
        process.stderr.write(`keyhaven: interrupted; no backup was written to ${out}\n`);
        process.exit(signal === "SIGINT" ? BACKUP_EXIT.INTERRUPTED : BACKUP_EXIT.TERMINATED);
      },
    });
    progress.clear();
    process.stdout.write(`backup written: ${rows} rows (${describeCounts(counts)}), ${formatBytes(bytes)} in ${formatRate(rows, bytes, Date.now() - started)} to ${out}\n`);
  } catch (err) {
    progress.clear();
    if (err instanceof StartupError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw backupFailure(`${out} exists; choose another name, or pass --force to replace it`, BACKUP_EXIT.WOULD_REPLACE);
    if (typeof code === "string" && code.startsWith("E")) throw backupWriteFailure(out, code);
    throw backupFailure(`the backup failed: ${(err as Error).message}; no backup was written`, BACKUP_EXIT.FAILED);
  } finally {
    await runtime.close();
  }
}
