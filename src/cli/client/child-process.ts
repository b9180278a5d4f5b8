/**
 * Runs `keyhaven run`'s command as a child with the terminal (stdio inherited) and stands
 * aside: SIGINT, SIGTERM and SIGHUP sent to keyhaven are passed on to the child, and keyhaven
 * exits the way the child did — its code, or its signal raised again on itself (a shell then
 * sees 128+n, as if the command had run alone).
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { CLI_EXIT, CliError } from "./cli-error.js";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Resolves with the child's exit code (128+n when a signal ended it and re-raising did not end us). */
export function runChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    const forward = (signal: NodeJS.Signals) => () => {
      // The child may already be gone; then there is nothing to pass on.
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const handlers = FORWARDED.map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const detach = () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };

    child.once("error", (err: NodeJS.ErrnoException) => {
      detach();
      if (err.code === "ENOENT") reject(new CliError(`command not found: ${command}`, CLI_EXIT.COMMAND_NOT_FOUND));
      else if (err.code === "EACCES") reject(new CliError(`cannot execute ${command}: permission denied`, CLI_EXIT.CANNOT_EXECUTE));
      else reject(new CliError(`cannot run ${command}: ${err.message}`, CLI_EXIT.CANNOT_EXECUTE));
    });
    child.once("exit", (code, signal) => {
      detach();
      if (signal) {
        // Our own handlers are off: the default action ends keyhaven with the same signal.
        process.kill(process.pid, signal);
        resolve(128 + (constants.signals[signal] ?? 0));
        return;
      }
      resolve(code ?? 1);
    });
  });
}
