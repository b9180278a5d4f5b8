/**
 * Reading a secret: on a terminal, a prompt on stderr and no echo; from a pipe, one line of
 * stdin per value (`echo "$TOKEN" | keyhaven login`), so scripts never put secrets in argv.
 */
import readline from "node:readline";
import { CliError, usageError } from "./cli-error.js";

/** Reads lines from a non-terminal stdin one at a time (several values may come in one pipe). */
export interface LineSource {
  next(what: string): Promise<string>;
  close(): void;
}

export function stdinLines(input: NodeJS.ReadableStream = process.stdin): LineSource {
  const rl = readline.createInterface({ input, terminal: false, crlfDelay: Infinity });
  const lines: AsyncIterator<string> = rl[Symbol.asyncIterator]();
  return {
    async next(what) {
      const step = await lines.next();
      if (step.done) throw usageError(`expected ${what} on standard input, but it ended`);
      return step.value;
    },
    close: () => rl.close(),
  };
}

/** Hidden input on the terminal: raw mode, nothing echoed; Ctrl-C cancels with exit 130 like an interrupt. */
export function promptHidden(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = "";
    const wasRaw = input.isRaw;
    // Echo off before the prompt shows: whatever is typed (or pasted) after it is never echoed.
    input.setRawMode(true);
    input.setEncoding("utf8");
    input.resume();
    output.write(prompt);
    const finish = (err?: Error) => {
      input.off("data", onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003") return finish(new CliError("cancelled", 130));
        if (ch === "\u0004" && value === "") return finish(new CliError("cancelled", 130));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else if (ch >= " ") value += ch;
      }
    };
    input.on("data", onData);
  });
}

/** A question with a visible answer (y/N), on the terminal only. */
export function promptLine(question: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  const rl = readline.createInterface({ input, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}

/**
 * Reads secret values in order: hidden prompts on a terminal, else one stdin line each.
 * `optional` values may be left empty.
 */
export async function readSecrets(questions: readonly { prompt: string; what: string; optional?: boolean }[]): Promise<string[]> {
  const answers: string[] = [];
  if (process.stdin.isTTY) {
    for (const q of questions) {
      const answer = (await promptHidden(q.prompt)).trim();
      if (!answer && !q.optional) throw usageError(`no ${q.what} given`);
      answers.push(answer);
    }
    return answers;
  }
  const lines = stdinLines();
  try {
    for (const q of questions) {
      let answer: string;
      try {
        answer = (await lines.next(q.what)).trim();
      } catch (err) {
        if (!q.optional) throw err;
        answer = "";
      }
      if (!answer && !q.optional) throw usageError(`no ${q.what} given on standard input`);
      answers.push(answer);
    }
  } finally {
    lines.close();
  }
  return answers;
}
