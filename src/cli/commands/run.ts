/** `keyhaven run [--only a,b] -- CMD …`: run CMD with the user's keys in its environment. */
import { usageError, CLI_EXIT, CliError } from "../client/cli-error.js";
import { processEnv, type Env } from "../client/client-env.js";
import { connect, userIdFrom } from "../client/connect.js";
import { parseCommandArgs } from "../client/args.js";
import { runChild } from "../client/child-process.js";
import { parseOnly, runServices, runVariables, variablesOf } from "../client/run-env.js";

export const RUN_HELP = `usage: keyhaven run [--only SERVICES] [--user ID] -- COMMAND [ARG…]

Runs COMMAND with your keys in its environment and exits with its exit code. Signals
(SIGINT, SIGTERM, SIGHUP) are passed on to it. No key value is ever printed.

  --only a,b   export only these services (default: all below that have a usable key;
               with --only, a listed service without a key is an error, exit 4)
  --user ID    the user whose keys to use (service tokens only; default KEYHAVEN_USER_ID)

Variables set:
${runServices()
  .map((s) => `  ${s.padEnd(10)} ${variablesOf(s).join(", ")}`)
  .join("\n")}
(AWS_SESSION_TOKEN only for temporary credentials; an inherited one is removed otherwise.)
Custom endpoint keys have no standard variable and are not exported: use keyhaven get custom.
KEYHAVEN_TOKEN is removed from COMMAND's environment. Needs a token with the resolve scope.
`;

/** Splits at `--`; without one, options run up to the first word that is not an option. */
function splitCommand(args: string[]): { options: string[]; command: string[] } {
  const dashes = args.indexOf("--");
  if (dashes >= 0) return { options: args.slice(0, dashes), command: args.slice(dashes + 1) };
  const VALUED = new Set(["--only", "--user"]);
  let i = 0;
  while (i < args.length && args[i].startsWith("-")) i += VALUED.has(args[i]) ? 2 : 1;
  return { options: args.slice(0, i), command: args.slice(i) };
}

export async function runCommand(args: string[], env: Env = processEnv()): Promise<void> {
  const { options, command } = splitCommand(args);
  const parsed = parseCommandArgs("run", options, { only: { type: "string" }, user: { type: "string" } });
  if (parsed.help) return void process.stdout.write(RUN_HELP);
  if (command.length === 0) throw usageError("run needs a command: keyhaven run -- COMMAND [ARG…]");

  const onlyRaw = parsed.string("only");
  const only = onlyRaw === undefined ? undefined : parseOnly(onlyRaw);
  const services = only ?? runServices();
  const results = await connect(env).resolveMany(services, userIdFrom(parsed.string("user"), env));
  if (only) {
    const missing = only.filter((s) => !results[s]);
    if (missing.length) throw new CliError(`no usable key for: ${missing.join(", ")}`, CLI_EXIT.NOT_FOUND);
  }

  const { set, unset } = runVariables(Object.fromEntries(services.map((s) => [s, results[s]])));
  const childEnv: NodeJS.ProcessEnv = { ...env };
  // The child gets keys, not the power to fetch more of them.
  delete childEnv.KEYHAVEN_TOKEN;
  for (const name of unset) delete childEnv[name];
  Object.assign(childEnv, set);

  process.exitCode = await runChild(command[0], command.slice(1), childEnv);
}
