/** `keyhaven keys list|add|test|rm`: the /api/api-keys routes for the logged-in token's user. */
import type { ApiKey, CreateKeyBody } from "../../shared/api-schemas.js";
import { isServiceId, SERVICE_IDS } from "../../shared/service-ids.js";
import type { ApiClient } from "../client/api-client.js";
import { expectPositionals, parseCommandArgs } from "../client/args.js";
import { CLI_EXIT, CliError, usageError } from "../client/cli-error.js";
import { processEnv, type Env } from "../client/client-env.js";
import { connect } from "../client/connect.js";
import { promptLine, readSecrets } from "../client/prompt.js";
import { formatTable } from "../client/table.js";

export const KEYS_HELP = `usage: keyhaven keys <list|add|test|rm> …

  keys list [--service S] [--json]     your keys (masked, never a value)
  keys add SERVICE --name NAME [--description TEXT] [--expires DATE] [--default]
           [--inactive] [--region R] [--config NAME=VALUE]…
                                       add a key; the value is asked for with hidden input
                                       on a terminal, else read from standard input (aws: the
                                       access key ID, the secret and, for temporary keys, the
                                       session token, one per line)
  keys test ID|NAME                    send the key to its provider; exit 0 if valid, 1 if not
  keys rm ID|NAME [--yes]              delete a key (asks on a terminal; --yes is required
                                       otherwise)

SERVICE is one of: ${SERVICE_IDS.join(", ")}. custom takes --config baseUrl=https://…
(and headerName=…, headerPrefix=…); aws takes --region. Needs keys:read (list) or
keys:write (add, test, rm) on the token.
`;

function status(key: ApiKey): string {
  if (key.isExpired) return "expired";
  return key.isActive ? "active" : "inactive";
}

async function list(client: () => ApiClient, args: string[]): Promise<void> {
  const parsed = parseCommandArgs("keys list", args, { service: { type: "string" }, json: { type: "boolean" } });
  if (parsed.help) return void process.stdout.write(KEYS_HELP);
  expectPositionals("keys list", parsed.positionals, []);
  const service = parsed.string("service");
  if (service !== undefined && !isServiceId(service)) throw usageError(`unknown service "${service}"; expected one of: ${SERVICE_IDS.join(", ")}`);
  const keys = await client().listKeys(service);
  if (parsed.flag("json")) return void process.stdout.write(JSON.stringify(keys, null, 2) + "\n");
  if (keys.length === 0) return void process.stderr.write("keyhaven: no keys\n");
  const rows = keys.map((k) => [
    k.id,
    k.service,
    k.name,
    k.maskedValue,
    status(k) + (k.isDefault ? ", default" : ""),
    k.lastTestStatus ? `${k.lastTestStatus} ${k.lastTestedAt?.slice(0, 10) ?? ""}`.trim() : "never",
  ]);
  process.stdout.write(formatTable(["ID", "SERVICE", "NAME", "KEY", "STATUS", "LAST TEST"], rows));
}

/** `NAME=VALUE` pairs into a config object. */
function configFrom(pairs: readonly string[], region: string | undefined): Record<string, string> | undefined {
  const config: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw usageError(`--config takes NAME=VALUE, e.g. --config baseUrl=https://llm.example.com/v1`);
    config[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  if (region !== undefined) config.region = region;
  return Object.keys(config).length ? config : undefined;
}

async function add(client: () => ApiClient, args: string[]): Promise<void> {
  const parsed = parseCommandArgs("keys add", args, {
    name: { type: "string" },
    description: { type: "string" },
    expires: { type: "string" },
    default: { type: "boolean" },
    inactive: { type: "boolean" },
    region: { type: "string" },
    config: { type: "string", multiple: true },
  });
  if (parsed.help) return void process.stdout.write(KEYS_HELP);
  const [service] = expectPositionals("keys add", parsed.positionals, ["SERVICE"]);
  if (!isServiceId(service)) throw usageError(`unknown service "${service}"; expected one of: ${SERVICE_IDS.join(", ")}`);
  const name = parsed.string("name");
  if (!name?.trim()) throw usageError("keys add needs --name NAME");
  // Before the value is asked for: "not logged in" should not come after typing a secret.
  const api = client();

  let value: CreateKeyBody["value"];
  if (service === "aws") {
    const [accessKeyId, secretAccessKey, sessionToken] = await readSecrets([
      { prompt: "AWS access key ID: ", what: "the AWS access key ID" },
      { prompt: "AWS secret access key: ", what: "the AWS secret access key" },
      { prompt: "AWS session token (empty for long-term keys): ", what: "the AWS session token", optional: true },
    ]);
    value = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  } else {
    [value] = await readSecrets([{ prompt: `${service} key: `, what: `the ${service} key` }]);
  }

  const body: CreateKeyBody = { name, service, value };
  const description = parsed.string("description");
  if (description !== undefined) body.description = description;
  const expires = parsed.string("expires");
  if (expires !== undefined) body.expiresAt = expires;
  if (parsed.flag("default")) body.isDefault = true;
  if (parsed.flag("inactive")) body.isActive = false;
  const config = configFrom(parsed.strings("config"), parsed.string("region"));
  if (config) body.config = config;

  const created = await api.createKey(body);
  process.stdout.write(`created ${created.service} key "${created.name}" (${created.id}, ${created.maskedValue})\n`);
}

/** A key by id, or by name when that name is unique among the user's keys. */
async function findKey(client: () => ApiClient, ref: string): Promise<ApiKey> {
  const keys = await client().listKeys();
  const byId = keys.find((k) => k.id === ref);
  if (byId) return byId;
  const named = keys.filter((k) => k.name === ref);
  if (named.length === 1) return named[0];
  if (named.length > 1) throw usageError(`${named.length} keys are named "${ref}"; use the id: ${named.map((k) => `${k.id} (${k.service})`).join(", ")}`);
  throw new CliError(`no key with the id or name "${ref}" (see keyhaven keys list)`, CLI_EXIT.NOT_FOUND);
}

async function test(client: () => ApiClient, args: string[]): Promise<void> {
  const parsed = parseCommandArgs("keys test", args);
  if (parsed.help) return void process.stdout.write(KEYS_HELP);
  const [ref] = expectPositionals("keys test", parsed.positionals, ["ID|NAME"]);
  const key = await findKey(client, ref);
  const result = await client().testKey(key.id);
  process.stdout.write(`${key.service} key "${key.name}": ${result.status}: ${result.message} (${Math.round(result.latencyMs)} ms)\n`);
  // A script can branch on it: 0 only when the provider accepted the key.
  if (result.status !== "valid") process.exitCode = CLI_EXIT.GENERAL;
}

async function remove(client: () => ApiClient, args: string[]): Promise<void> {
  const parsed = parseCommandArgs("keys rm", args, { yes: { type: "boolean", short: "y" } });
  if (parsed.help) return void process.stdout.write(KEYS_HELP);
  const [ref] = expectPositionals("keys rm", parsed.positionals, ["ID|NAME"]);
  const key = await findKey(client, ref);
  if (!parsed.flag("yes")) {
    // Deleting cannot be undone: a script must say so with --yes, a person answers here.
    if (!process.stdin.isTTY) throw usageError("keys rm deletes for good: add --yes when not on a terminal");
    const answer = await promptLine(`Delete ${key.service} key "${key.name}" (${key.id})? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError("not deleted", CLI_EXIT.GENERAL);
  }
  await client().deleteKey(key.id);
  process.stdout.write(`deleted ${key.service} key "${key.name}" (${key.id})\n`);
}

const SUBCOMMANDS: Record<string, (client: () => ApiClient, args: string[]) => Promise<void>> = { list, ls: list, add, test, rm: remove };

export async function keysCommand(args: string[], env: Env = processEnv()): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    if (sub === undefined) throw usageError("keys needs a subcommand: list, add, test or rm (see keyhaven keys --help)");
    return void process.stdout.write(KEYS_HELP);
  }
  const run = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!run) throw usageError(`unknown subcommand "keys ${sub}"; expected list, add, test or rm`);
  // --help answers before any login is needed.
  if (rest.includes("--help") || rest.includes("-h")) return void process.stdout.write(KEYS_HELP);
  // Connected only when needed, so a usage error is reported as such even when not logged in.
  let client: ApiClient | undefined;
  await run(() => (client ??= connect(env)), rest);
}
