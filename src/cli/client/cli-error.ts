/**
 * The client commands' one error type and their exit codes (documented in the README). A
 * command throws CliError; main.ts prints `keyhaven: <message>` as one line and exits with
 * `exitCode`, so no failure ever shows a stack trace.
 */
export const CLI_EXIT = {
  /** Anything else: the server refused the request (400, 409, 429, 5xx), a key test failed. */
  GENERAL: 1,
  /** Wrong arguments or options. */
  USAGE: 2,
  /** No saved login and no KEYHAVEN_TOKEN, or the server answered 401 to the token. */
  AUTH: 3,
  /** The key (or the service's key for that user) does not exist. */
  NOT_FOUND: 4,
  /** The server cannot be reached (connection refused, DNS, timeout, TLS). */
  UNREACHABLE: 5,
  /** 403: the token lacks a scope, or a personal token asked for another user. */
  FORBIDDEN: 6,
  /** `run`: the command could not be executed (as a shell says it). */
  CANNOT_EXECUTE: 126,
  COMMAND_NOT_FOUND: 127,
} as const;

export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = CLI_EXIT.GENERAL) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string) => new CliError(message, CLI_EXIT.USAGE);

export const NOT_LOGGED_IN = "not logged in: run keyhaven login";
export const TOKEN_REFUSED = "the access token was refused (revoked, expired or unknown): run keyhaven login";
