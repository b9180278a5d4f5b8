/** `keyhaven login`: check an access token with GET /api/whoami, then save it with the server URL. */
import { ApiError, createApiClient, type WhoAmI } from "../client/api-client.js";
import { parseCommandArgs, expectPositionals } from "../client/args.js";
import { CLI_EXIT, CliError } from "../client/cli-error.js";
import { envValue, processEnv, type Env } from "../client/client-env.js";
import { checkTokenShape, DEFAULT_URL, normalizeServerUrl, readSavedLogin, saveLogin } from "../client/config-file.js";
import { readSecrets } from "../client/prompt.js";

export const LOGIN_HELP = `usage: keyhaven login [--url URL] [--token kh_…]

Checks an access token against the server and saves both for the other commands, in
$XDG_CONFIG_HOME/keyhaven/config.json (default ~/.config/keyhaven/), readable by you only.

  --url URL      the Keyhaven server (default: KEYHAVEN_URL, the saved one, or ${DEFAULT_URL})
  --token kh_…   the access token; without it the token is asked for with hidden input on a
                 terminal, or read as one line from standard input (echo "$T" | keyhaven login).
                 Prefer those: a token in the arguments is visible to other local users.

KEYHAVEN_URL and KEYHAVEN_TOKEN, when set, win over the saved login in every command.
`;

/** http:// is fine on this machine (a local server, a tunnel); anywhere else it exposes the token. */
function isPlainHttpToAnotherHost(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(hostname);
}

/** `raw` as the normalized `url` when it names the same server, so a trailing slash is no difference. */
function sameUrlOr(raw: string | undefined, url: string): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return normalizeServerUrl(raw) === url ? url : raw;
  } catch {
    return raw;
  }
}

function describe(who: WhoAmI): string {
  const scopes = who.scopes.length ? who.scopes.join(", ") : "none";
  if (who.kind === "service") return `service token "${who.name}" (scopes: ${scopes})`;
  return `personal token "${who.name}" of user ${who.userId ?? "?"} (scopes: ${scopes})`;
}

export async function loginCommand(args: string[], env: Env = processEnv()): Promise<void> {
  const parsed = parseCommandArgs("login", args, { url: { type: "string" }, token: { type: "string" } });
  if (parsed.help) return void process.stdout.write(LOGIN_HELP);
  expectPositionals("login", parsed.positionals, []);

  const url = normalizeServerUrl(parsed.string("url") ?? envValue(env, "KEYHAVEN_URL") ?? readSavedLogin(env)?.url ?? DEFAULT_URL);
  const given = parsed.string("token") ?? (await readSecrets([{ prompt: `Access token for ${url}: `, what: "an access token" }]))[0];
  const token = checkTokenShape(given);

  let who: WhoAmI;
  try {
    who = await createApiClient({ url, token }).whoami();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      throw new CliError(`${url} refused this access token (revoked, expired or unknown)`, CLI_EXIT.AUTH);
    }
    if (err instanceof ApiError && err.status === 404) {
      throw new CliError(`${url} has no /api/whoami: is it a Keyhaven server with access tokens?`, CLI_EXIT.GENERAL);
    }
    throw err;
  }
  const file = saveLogin(env, { url, token });
  if (isPlainHttpToAnotherHost(url)) process.stderr.write(`keyhaven: note: ${url} is plain http: the token travels unencrypted; prefer https\n`);
  process.stdout.write(`logged in to ${url} with ${describe(who)}\nsaved to ${file}\n`);
  // Otherwise the next command would quietly use another server or token than the one just checked.
  const overrides = [
    ["KEYHAVEN_URL", sameUrlOr(envValue(env, "KEYHAVEN_URL"), url), url],
    ["KEYHAVEN_TOKEN", envValue(env, "KEYHAVEN_TOKEN"), token],
  ] as const;
  for (const [name, value, saved] of overrides) {
    if (value !== undefined && value !== saved) process.stderr.write(`keyhaven: note: ${name} is set and wins over the saved login\n`);
  }
}
