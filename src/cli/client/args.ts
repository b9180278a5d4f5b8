/** Option parsing for the client commands (node:util parseArgs), its errors turned into usage errors (exit 2). */
import { parseArgs } from "node:util";
import { usageError } from "./cli-error.js";

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

export interface ParsedArgs {
  positionals: string[];
  /** The value of a string option, if given. */
  string(name: string): string | undefined;
  strings(name: string): string[];
  flag(name: string): boolean;
  help: boolean;
}

export function parseCommandArgs(command: string, args: readonly string[], options: OptionSpec = {}): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: { help: { type: "boolean", short: "h" }, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs explains at length; the first sentence is the point.
    const first = (err as Error).message.split(/\.\s/)[0].replace(/\.$/, "");
    throw usageError(`${first} (see keyhaven ${command} --help)`);
  }
  const values = parsed.values as Record<string, string | boolean | (string | boolean)[] | undefined>;
  return {
    positionals: parsed.positionals,
    string: (name) => {
      const v = values[name];
      return typeof v === "string" ? v : undefined;
    },
    strings: (name) => {
      const v = values[name];
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
    },
    flag: (name) => values[name] === true,
    help: values.help === true,
  };
}

/** Exactly `count` positionals, or a usage error naming what is expected. */
export function expectPositionals(command: string, positionals: readonly string[], names: readonly string[]): string[] {
  if (positionals.length < names.length) throw usageError(`${command} needs ${names.slice(positionals.length).join(" and ")} (see keyhaven ${command} --help)`);
  if (positionals.length > names.length) throw usageError(`unexpected argument "${positionals[names.length]}" (see keyhaven ${command} --help)`);
  return [...positionals];
}
