/**
 * `keyhaven serve | migrate | generate-key | reseal`. Start-up failures are printed as one line
 * (`keyhaven: …`) with a documented exit code, never as a stack trace.
 *
 * Each command's module is imported only when that command runs, so `help` (or a typo) does not
 * load the server, the database drivers and better-auth.
 */
import { StartupError } from "../platform/errors.js";

const USAGE = `usage: keyhaven <command>

commands:
  serve          start the web app and API (default)
  migrate        apply database migrations and exit
  generate-key   print a new master key (base64 of 32 random bytes) for KEYHAVEN_MASTER_KEY
  reseal         re-encrypt keys stored in the old kh1 format as kh2 (binds config and version)
  audit verify   check the audit log's hash chain: exit 0 with the count, or 1 naming the first bad event
`;

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  serve: async () => (await import("./commands/serve.js")).serveCommand(),
  migrate: async () => (await import("./commands/migrate.js")).migrateCommand(),
  reseal: async () => (await import("./commands/reseal.js")).resealCommand(),
  audit: async (args) => (await import("./commands/audit.js")).auditCommand(args),
  "generate-key": async () => (await import("./commands/generate-key.js")).generateKeyCommand(),
};

const HELP = new Set(["help", "--help", "-h"]);

export async function main(argv: string[]): Promise<void> {
  const command = argv[0] ?? "serve";
  try {
    // Own properties only: "constructor" or "__proto__" is an unknown command, not a lookup hit.
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (run) await run(argv.slice(1));
    else if (HELP.has(command)) process.stdout.write(USAGE);
    else {
      process.stderr.write(`keyhaven: unknown command "${command}"\n${USAGE}`);
      process.exitCode = 64;
    }
  } catch (err) {
    if (err instanceof StartupError) {
      process.stderr.write(`keyhaven: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    process.stderr.write(`keyhaven: unexpected error: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
