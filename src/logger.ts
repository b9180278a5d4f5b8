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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { name: "keyhaven" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
