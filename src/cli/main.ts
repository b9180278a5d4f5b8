/**
 * `keyhaven serve | migrate | generate-key | reseal | rotate-master-key | rotate-data-key | audit verify | backup | restore` (the server side) and `login | get | run |
 * keys | import-env` (a client of a Keyhaven server over HTTP). Failures are printed as one line
 * (`keyhaven: …`) with a documented exit code, never as a stack trace.
 *
 * Each command's module is imported only when that command runs, so `help` (or a typo) does not
 * load the server, the database drivers and better-auth, and the client commands never do.
 */
import { StartupError } from "../platform/errors.js";
import { CliError } from "./client/cli-error.js";
import { exitQuietlyOnClosedPipe } from "./client/closed-pipe.js";

const USAGE = `usage: keyhaven <command>

commands:
  serve          start the web app and API (default)
  migrate        apply database migrations and exit
  generate-key   print a new master key (base64 of 32 random bytes) for KEYHAVEN_MASTER_KEY
  reseal         re-encrypt keys stored in the old kh1 format as kh2 (binds config and version)
  rotate-master-key
                 re-wrap every data key under KEYHAVEN_MASTER_KEY_VERSION, then verify all keys decrypt
  rotate-data-key --owner user:ID|team:ID (or --user EMAIL|ID)
                 re-encrypt one owner's keys and kept versions under a fresh data key
  audit verify   check the audit log's hash chain: exit 0 with the count, or 1 naming the first bad event
  backup --out FILE [--passphrase-file PATH] [--force]
                 write the whole instance to FILE, encrypted under a passphrase
  restore FILE [--passphrase-file PATH] [--force]
                 restore a backup into the configured (empty) database, under its own master key

client commands (talk to a Keyhaven server with an access token):
  login          check an access token and save it with the server URL
  get SERVICE    print your key for a service (aws: AWS_* lines)
  run -- CMD     run CMD with your keys in OPENAI_API_KEY, ANTHROPIC_API_KEY, … and AWS_*
  keys           list, add, test or remove keys (keys list|add|test|rm)
  import-env F   add the keys of a .env file

keyhaven <command> --help says more.
`;

type Command = (args: string[]) => Promise<void>;

/** A client command: its output is often piped (`| head`), so a closed pipe ends it quietly. */
const client =
  (command: Command): Command =>
  async (args) => {
    exitQuietlyOnClosedPipe();
    await command(args);
  };

const COMMANDS: Record<string, Command> = {
  serve: async () => (await import("./commands/serve.js")).serveCommand(),
  migrate: async () => (await import("./commands/migrate.js")).migrateCommand(),
  reseal: async () => (await import("./commands/reseal.js")).resealCommand(),
  "rotate-master-key": async (args) => (await import("./commands/rotate-master-key.js")).rotateMasterKeyCommand(args),
  "rotate-data-key": async (args) => (await import("./commands/rotate-data-key.js")).rotateDataKeyCommand(args),
  backup: async (args) => (await import("./commands/backup.js")).backupCommand(args),
  restore: async (args) => (await import("./commands/restore.js")).restoreCommand(args),
  audit: async (args) => (await import("./commands/audit.js")).auditCommand(args),
  "generate-key": async () => (await import("./commands/generate-key.js")).generateKeyCommand(),
  login: client(async (args) => (await import("./commands/login.js")).loginCommand(args)),
  get: client(async (args) => (await import("./commands/get.js")).getCommand(args)),
  run: client(async (args) => (await import("./commands/run.js")).runCommand(args)),
  keys: client(async (args) => (await import("./commands/keys.js")).keysCommand(args)),
  "import-env": client(async (args) => (await import("./commands/import-env.js")).importEnvCommand(args)),
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
    if (err instanceof CliError) {
      process.stderr.write(`keyhaven: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    if (err instanceof StartupError) {
      process.stderr.write(`keyhaven: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    process.stderr.write(`keyhaven: unexpected error: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
