/** The .env parser of `keyhaven import-env`. */
import { describe, expect, it } from "vitest";
import { parseDotenv } from "../../src/cli/client/dotenv.js";

const values = (text: string) => Object.fromEntries(parseDotenv(text).entries.map((e) => [e.name, e.value]));

describe("parseDotenv", () => {
  it("reads bare, quoted and exported assignments, skipping comments and blank lines", () => {
    const text = [
      "# a comment",
      "",
      "PLAIN=abc",
      "  SPACED = abc def  ",
      "export EXPORTED=yes",
      "DOUBLE=\"a b # not a comment\"",
      "SINGLE='a \\n $b \"c\"'",
      "EMPTY=",
      "EMPTY_QUOTED=\"\"",
      "   # indented comment",
    ].join("\n");
    expect(values(text)).toEqual({
      PLAIN: "abc",
      SPACED: "abc def",
      EXPORTED: "yes",
      DOUBLE: "a b # not a comment",
      SINGLE: 'a \\n $b "c"',
      EMPTY: "",
      EMPTY_QUOTED: "",
    });
    expect(parseDotenv(text).problems).toEqual([]);
  });

  it("strips `# comment` after a bare value, but keeps a # inside a word", () => {
    expect(values("A=value # comment\nB=val#ue\nC=#start\nD=x\t# tab comment")).toEqual({ A: "value", B: "val#ue", C: "", D: "x" });
  });

  it("allows a comment after a closing quote and refuses other text there", () => {
    const r = parseDotenv("A=\"quoted\" # fine\nB='x' trailing\nC=ok");
    expect(Object.fromEntries(r.entries.map((e) => [e.name, e.value]))).toEqual({ A: "quoted", C: "ok" });
    expect(r.problems).toEqual([{ line: 2, message: "unexpected text after the closing quote" }]);
  });

  it("understands escapes in double quotes and lets a double-quoted value span lines", () => {
    const r = parseDotenv('A="line1\\nline2\\t\\"q\\" \\\\"\nB="multi\nline"\nC=after');
    expect(r.entries).toEqual([
      { name: "A", value: 'line1\nline2\t"q" \\', line: 1 },
      { name: "B", value: "multi\nline", line: 2 },
      { name: "C", value: "after", line: 4 },
    ]);
  });

  it("handles CRLF line ends and a byte order mark", () => {
    expect(values("\uFEFFA=1\r\nB='2'\r\n")).toEqual({ A: "1", B: "2" });
  });

  it("lets a later assignment win, keeping one entry per name", () => {
    const r = parseDotenv("A=first\nB=b\nA=second");
    expect(r.entries).toEqual([
      { name: "B", value: "b", line: 2 },
      { name: "A", value: "second", line: 3 },
    ]);
  });

  it("reports lines that are not assignments by number, without their text", () => {
    const r = parseDotenv("A=1\nthis is not an assignment sk-secret\n1BAD=2\nB=3");
    expect(values("A=1\nB=3")).toEqual(Object.fromEntries(r.entries.map((e) => [e.name, e.value])));
    expect(r.problems).toEqual([
      { line: 2, message: "not a NAME=value line" },
      { line: 3, message: "not a NAME=value line" },
    ]);
    expect(JSON.stringify(r.problems)).not.toContain("sk-secret");
  });

  it("reports a quote that is never closed and stops there", () => {
    const r = parseDotenv("A=1\nB=\"open\nC=3");
    expect(r.entries.map((e) => e.name)).toEqual(["A"]);
    expect(r.problems).toEqual([{ line: 2, message: "the double quote is never closed" }]);
  });
});
