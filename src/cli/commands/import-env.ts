/** `keyhaven import-env FILE`: one key per recognised variable of a .env file; reports created and skipped. */
import fs from "node:fs";
import path from "node:path";
import type { CreateKeyBody } from "../../shared/api-schemas.js";
import { ApiError } from "../client/api-client.js";
import { expectPositionals, parseCommandArgs } from "../client/args.js";
import { CLI_EXIT, CliError } from "../client/cli-error.js";
import { processEnv, type Env } from "../client/client-env.js";
import { connect } from "../client/connect.js";
import { parseDotenv } from "../client/dotenv.js";
import { planImport, type PlannedKey } from "../client/env-import.js";
import { progressLine } from "../client/progress.js";
import { runServices, variablesOf } from "../client/run-env.js";

export const IMPORT_ENV_HELP = `usage: keyhaven import-env FILE [--dry-run]

Adds one key per recognised variable of a .env file and reports what was created and what
was skipped, with the reason (a value of the wrong format is never sent). Names are
"<VARIABLE> (<file name>)"; AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN,
AWS_REGION) make one aws key named "AWS (<file name>)".

Recognised:
${runServices()
  .map((s) => `  ${s.padEnd(10)} ${variablesOf(s).join(", ")}`)
  .join("\n")}
Other variables are listed as ignored (by name only). The file may use export, 'single' or
"double" quotes, # comments and KEY=value # comment.

  --dry-run   check and report, create nothing

Exit 0 when every recognised key was created, 1 when any was skipped. Needs keys:write.
`;

/** Keys the server refused one by one (format, name conflict) are skipped; auth or connection problems stop the import. */
function refusedOne(err: unknown): string | undefined {
  if (err instanceof ApiError && [400, 409, 413].includes(err.status)) return err.message;
  return undefined;
}

export async function importEnvCommand(args: string[], env: Env = processEnv()): Promise<void> {
  const parsed = parseCommandArgs("import-env", args, { "dry-run": { type: "boolean" } });
  if (parsed.help) return void process.stdout.write(IMPORT_ENV_HELP);
  const [file] = expectPositionals("import-env", parsed.positionals, ["FILE"]);
  const dryRun = parsed.flag("dry-run");

  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message}`);
  }
  const { entries, problems } = parseDotenv(text);
  const plan = planImport(entries, path.basename(file));
  const client = dryRun ? undefined : connect(env);

  const out = (line: string) => process.stdout.write(`${line}\n`);
  for (const p of problems) out(`line ${p.line}: not read: ${p.message}`);

  const skipped = plan.skipped.map((s) => ({ variables: s.variables, line: s.line, reason: s.reason }));
  const created: PlannedKey[] = [];
  const progress = progressLine();
  try {
    for (const [i, key] of plan.keys.entries()) {
      progress.update(`${i + 1}/${plan.keys.length} ${key.variables.join(", ")}`);
      if (!client) {
        created.push(key);
        continue;
      }
      const body: CreateKeyBody = { name: key.name, service: key.service, value: key.value, ...(key.config ? { config: key.config } : {}) };
      try {
        const result = await client.createKey(body);
        progress.clear();
        out(`created ${result.service} key "${result.name}" (${result.id}, ${result.maskedValue}) from ${key.variables.join(", ")}`);
        created.push(key);
      } catch (err) {
        const reason = refusedOne(err);
        if (reason === undefined) throw err;
        skipped.push({ variables: key.variables, line: key.line, reason });
      }
    }
  } finally {
    progress.clear();
  }

  if (dryRun) for (const key of created) out(`would create ${key.service} key "${key.name}" from ${key.variables.join(", ")}`);
  for (const s of skipped.sort((a, b) => a.line - b.line)) out(`skipped ${s.variables.join(", ")} (line ${s.line}): ${s.reason}`);
  if (plan.ignored.length) out(`ignored (not a key variable Keyhaven knows): ${plan.ignored.join(", ")}`);
  out(`${created.length} ${dryRun ? "to create" : "created"}, ${skipped.length} skipped, ${plan.ignored.length} ignored`);
  if (skipped.length > 0) process.exitCode = CLI_EXIT.GENERAL;
}
