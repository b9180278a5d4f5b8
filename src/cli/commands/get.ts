/** `keyhaven get SERVICE`: print the user's key for a service (aws: its AWS_* lines). */
import { ApiError } from "../client/api-client.js";
import { expectPositionals, parseCommandArgs } from "../client/args.js";
import { CLI_EXIT, CliError, usageError } from "../client/cli-error.js";
import { processEnv, type Env } from "../client/client-env.js";
import { connect, userIdFrom } from "../client/connect.js";
import { awsLines } from "../client/run-env.js";
import { isServiceId, SERVICE_IDS } from "../../shared/service-ids.js";

export const GET_HELP = `usage: keyhaven get SERVICE [--user ID]

Prints the key Keyhaven hands out for SERVICE (the default key, else the newest active one)
on standard output, for $(keyhaven get openai) or a pipe. For aws it prints
AWS_ACCESS_KEY_ID=…, AWS_SECRET_ACCESS_KEY=…, AWS_SESSION_TOKEN=… (temporary keys only) and
AWS_REGION=… lines.

  SERVICE     one of: ${SERVICE_IDS.join(", ")}
  --user ID   the user whose key to get (service tokens only; default KEYHAVEN_USER_ID)

Needs a token with the resolve scope. Exit 4 when there is no usable key.
`;

export async function getCommand(args: string[], env: Env = processEnv()): Promise<void> {
  const parsed = parseCommandArgs("get", args, { user: { type: "string" } });
  if (parsed.help) return void process.stdout.write(GET_HELP);
  const [service] = expectPositionals("get", parsed.positionals, ["SERVICE"]);
  if (!isServiceId(service)) throw usageError(`unknown service "${service}"; expected one of: ${SERVICE_IDS.join(", ")}`);

  const client = connect(env);
  const userId = userIdFrom(parsed.string("user"), env);
  let found;
  try {
    found = await client.resolve(service, userId);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && err.code === "NOT_FOUND") {
      throw new CliError(`no usable ${service} key${userId ? ` for user ${userId}` : ""}`, CLI_EXIT.NOT_FOUND);
    }
    throw err;
  }
  const lines = service === "aws" ? awsLines(found) : [found.apiKey];
  process.stdout.write(lines.map((l) => `${l}\n`).join(""));
}
