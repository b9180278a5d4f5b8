/**
 * `keyhaven keys list | head -1` closes the pipe early; writing on then fails with EPIPE, which
 * would surface as an unhandled error with a stack trace. A reader that has gone away wants no
 * more output: exit quietly, as other command-line tools do.
 */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      // Any other failure of our own output cannot be reported on it either.
      process.exit(err.code === "EPIPE" ? 0 : 1);
    });
  }
}
