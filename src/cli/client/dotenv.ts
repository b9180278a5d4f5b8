/**
 * A `.env` parser for `keyhaven import-env`: `NAME=value` lines with an optional `export `,
 * blank lines and `#` comments, values bare (`KEY=value # comment`), 'single-quoted' (literal)
 * or "double-quoted" (\n, \t, \", \\ escapes; may span lines). A later line wins over an
 * earlier one, as when a shell sources the file. Problems name the line, never its value.
 */
export interface DotenvEntry {
  name: string;
  value: string;
  /** 1-based line where the assignment starts. */
  line: number;
}

export interface DotenvProblem {
  line: number;
  message: string;
}

export interface DotenvResult {
  /** In file order of their last assignment; one per name. */
  entries: DotenvEntry[];
  problems: DotenvProblem[];
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*/;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\", $: "$" };

/** After a closing quote only whitespace and a comment may follow. */
const REST_OK = /^\s*(#.*)?$/;

export function parseDotenv(text: string): DotenvResult {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const byName = new Map<string, DotenvEntry>();
  const problems: DotenvProblem[] = [];

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i];
    if (/^\s*(#.*)?$/.test(line)) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) {
      problems.push({ line: lineNo, message: "not a NAME=value line" });
      continue;
    }
    const name = m[1];
    let rest = line.slice(m[0].length);
    let value: string;
    const quote = rest[0];

    if (quote === "'" || quote === '"') {
      // Collect until the closing quote, across lines if need be.
      let body = "";
      let j = 1;
      let closed = false;
      let endLine = i;
      for (;;) {
        for (; j < rest.length; j++) {
          const ch = rest[j];
          if (quote === '"' && ch === "\\" && j + 1 < rest.length) {
            const next = rest[++j];
            body += ESCAPES[next] ?? `\\${next}`;
          } else if (ch === quote) {
            closed = true;
            break;
          } else {
            body += ch;
          }
        }
        if (closed || endLine + 1 >= lines.length) break;
        endLine++;
        body += "\n";
        rest = lines[endLine];
        j = 0;
      }
      if (!closed) {
        problems.push({ line: lineNo, message: `the ${quote === '"' ? "double" : "single"} quote is never closed` });
        break;
      }
      if (!REST_OK.test(rest.slice(j + 1))) {
        problems.push({ line: endLine + 1, message: "unexpected text after the closing quote" });
        i = endLine;
        continue;
      }
      i = endLine;
      value = body;
    } else {
      // Bare: a `#` starts a comment only after whitespace, so `a#b` stays one value.
      const comment = /(^|\s)#/.exec(rest);
      value = (comment ? rest.slice(0, comment.index) : rest).trim();
    }
    byName.delete(name);
    byName.set(name, { name, value, line: lineNo });
  }
  return { entries: [...byName.values()], problems };
}
