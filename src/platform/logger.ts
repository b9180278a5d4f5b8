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

// C0 controls, DEL, C1 controls and the Unicode line separators: what a terminal or a log
// viewer may take as a new line, a cursor move or a colour (ESC).
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const escapeControl = (ch: string) => {
  const code = ch.charCodeAt(0);
  return NAMED[ch] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`);
};

/** Text with every control character written out (`\n`, `\x1b`): one log line stays one line. */
export function escapeControlChars(text: string): string {
  return text.replace(CONTROL, escapeControl);
}

// A value printed bare: nothing a reader could take for a field separator, a quote or a control.
const BARE = /^[^\s"=\\\u0000-\u001F\u007F-\u009F\u2028\u2029]+$/;
const fieldValue = (v: unknown): string =>
  typeof v === "string" && BARE.test(v) ? v : escapeControlChars(JSON.stringify(v) ?? String(v));

/**
 * One readable line from one of pino's JSON lines (already redacted): time, level, message,
 * then the remaining fields as key=value. For people watching `npm start`, not for collectors.
 * Every part is escaped: a request path with an encoded newline or ESC cannot start a forged
 * line or repaint the terminal, and a value with spaces is quoted so it cannot fake a field.
 */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return escapeControlChars(line.replace(/\n$/, "")) + "\n";
  }
  const { level, time, msg, name: _name, pid: _pid, hostname: _host, ...rest } = entry;
  const clock = typeof time === "string" ? escapeControlChars(time.slice(11, 19)) : "";
  const fields = Object.entries(rest)
    .map(([k, v]) => `${escapeControlChars(k)}=${fieldValue(v)}`)
    .join(" ");
  const message = escapeControlChars(typeof msg === "string" ? msg : msg === undefined ? "" : JSON.stringify(msg));
  return `${clock} ${LEVEL_NAMES[level as number] ?? escapeControlChars(String(level))} ${message}${fields ? `  ${fields}` : ""}\n`;
}

function prettyDestination(out: NodeJS.WritableStream = process.stdout): DestinationStream {
  return { write: (line: string) => void out.write(formatLogLine(line)) };
}

/**
 * stdout, written synchronously, as Node writes process.stdout to files and pipes on Linux. pino's
 * default hands every line to libuv's thread pool and back (a thread wake-up and a completion per
 * line, ~2.5 µs of a ~35 µs `/api/health` answer), and can lose the last lines when the process is killed.
 */
const stdoutDestination = (): DestinationStream => pino.destination({ dest: 1, sync: true });

export function createLogger(level: string, destination?: DestinationStream, format: "json" | "pretty" = "json"): Logger {
  return pino(
    {
      level,
      base: { name: "keyhaven" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? (format === "pretty" ? prettyDestination() : stdoutDestination()),
  );
}
