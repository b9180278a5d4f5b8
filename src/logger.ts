/**
 * pino with redaction: secrets, auth headers and cookies never reach a log line.
 * Request logs carry method, route, status and time only (see http/request-log.ts).
 */
import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

export const REDACT_PATHS = [
  "value",
  "*.value",
  "apiKey",
  "*.apiKey",
  "password",
  "*.password",
  "secretAccessKey",
  "*.secretAccessKey",
  "sessionToken",
  "*.sessionToken",
  "masterKey",
  "*.masterKey",
  "authorization",
  "cookie",
  "*.authorization",
  "*.cookie",
  "headers",
  "*.headers",
  "req.headers",
  "res.headers",
  "body",
  "*.body",
];

const LEVEL_NAMES: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO ", 40: "WARN ", 50: "ERROR", 60: "FATAL" };

/**
 * One readable line from one of pino's JSON lines (already redacted): time, level, message,
 * then the remaining fields as key=value. For people watching `npm start`, not for collectors.
 */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith("\n") ? line : line + "\n";
  }
  const { level, time, msg, name: _name, pid: _pid, hostname: _host, ...rest } = entry;
  const clock = typeof time === "string" ? time.slice(11, 19) : "";
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${clock} ${LEVEL_NAMES[level as number] ?? String(level)} ${msg ?? ""}${fields ? `  ${fields}` : ""}\n`;
}

function prettyDestination(out: NodeJS.WritableStream = process.stdout): DestinationStream {
  return { write: (line: string) => void out.write(formatLogLine(line)) };
}

export function createLogger(level: string, destination?: DestinationStream, format: "json" | "pretty" = "json"): Logger {
  return pino(
    {
      level,
      base: { name: "keyhaven" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? (format === "pretty" ? prettyDestination() : undefined),
  );
}
