import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/platform/config.js";
import { createLogger, formatLogLine } from "../../src/platform/logger.js";
import { killAll, removeTempDirs, serveSetup, startServer } from "../startup/run-cli.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  return { lines, logger: createLogger("info", stream) };
}

describe("readable console logs", () => {
  it("turns a JSON line into time, level, message and key=value fields", () => {
    const { lines, logger } = capture();
    logger.warn({ method: "GET", status: 200 }, "Generated a new master key");
    const line = formatLogLine(lines[0]);
    expect(line).toMatch(/^\d{2}:\d{2}:\d{2} WARN  Generated a new master key  method=GET status=200\n$/);
  });

  it("formats what pino already redacted: a secret never comes back", () => {
    const { lines, logger } = capture();
    logger.info({ value: "sk-proj-verysecretvalue123456", headers: { authorization: "Bearer sk-x" } }, "request");
    const line = formatLogLine(lines[0]);
    expect(line).not.toContain("verysecret");
    expect(line).not.toContain("Bearer");
    expect(line).toContain("[redacted]");
  });

  it("passes a non-JSON line through unchanged", () => {
    expect(formatLogLine("plain text")).toBe("plain text\n");
  });

  it("LOG_FORMAT: pretty on a terminal outside production, JSON otherwise or when asked; bad values refused", () => {
    expect(loadConfig({}, "/tmp", true).logFormat).toBe("pretty");
    expect(loadConfig({}, "/tmp", false).logFormat).toBe("json");
    expect(loadConfig({ NODE_ENV: "production" }, "/tmp", true).logFormat).toBe("json");
    expect(loadConfig({ LOG_FORMAT: "json" }, "/tmp", true).logFormat).toBe("json");
    expect(loadConfig({ LOG_FORMAT: "pretty", NODE_ENV: "production" }, "/tmp", false).logFormat).toBe("pretty");
    expect(() => loadConfig({ LOG_FORMAT: "xml" }, "/tmp", true)).toThrow(/LOG_FORMAT must be json or pretty/);
  });
});

describe("log lines cannot be forged: control characters are escaped in the pretty format", () => {
  const jsonLine = (fields: Record<string, unknown>) => JSON.stringify({ level: 30, time: "2026-01-01T12:00:00.000Z", name: "keyhaven", ...fields });

  it("a newline, CR, ESC, DEL, C1 or U+2028 in the message or any field is written out, never emitted", () => {
    const line = formatLogLine(
      jsonLine({ msg: "a\nb\rc\u001b[31md", path: "/x\n12:00:00 INFO  forged\u001b[2J\u007f\u0085\u2028", ua: { nested: "q\r\n" } }),
    );
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(line).toBe(
      '12:00:00 INFO  a\\nb\\rc\\x1b[31md  path="/x\\n12:00:00 INFO  forged\\u001b[2J\\x7f\\x85\\u2028" ua={"nested":"q\\r\\n"}\n',
    );
  });

  it("a value with spaces, quotes or = is quoted, so it cannot pose as another field", () => {
    expect(formatLogLine(jsonLine({ msg: "request", path: "/a status=200 ok", method: "GET" }))).toBe(
      '12:00:00 INFO  request  path="/a status=200 ok" method=GET\n',
    );
  });

  it("a non-JSON line is escaped the same way", () => {
    expect(formatLogLine("plain\ntext\u001b[0m\n")).toBe("plain\\ntext\\x1b[0m\n");
  });
});

describe("through the real server (LOG_FORMAT=pretty and json): encoded CR/LF/ESC in a request path", () => {
  afterAll(async () => {
    await killAll();
    removeTempDirs();
  });

  const FORGED = "/api/nope%0D%0A12:00:00%20INFO%20%20admin%20signed%20in%1B[2J%E2%80%A8";

  for (const format of ["pretty", "json"] as const) {
    it(`${format}: one line per request, nothing a terminal would act on`, async () => {
      const { dir, port, env } = await serveSetup({ LOG_FORMAT: format, LOG_LEVEL: "info" });
      const server = await startServer(dir, env);
      try {
        // Request logs carry method, path, status and time only: no header (User-Agent …) to forge with.
        const res = await fetch(`http://127.0.0.1:${port}${FORGED}`);
        expect(res.status).toBeLessThan(500);
        await server.waitFor(/admin/);
      } finally {
        await server.stop();
      }
      const lines = server.stdout.split("\n").slice(0, -1);
      const forged = lines.filter((l) => l.includes("admin"));
      expect(forged, server.stdout).toHaveLength(1);
      // JSON escapes C0 controls itself (and stays plain JSON); the pretty format escapes the rest too.
      const control = format === "json" ? /[\u0000-\u001f]/ : /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
      for (const line of lines) expect(line).not.toMatch(control);
      expect(lines.some((l) => /^\d\d:\d\d:\d\d INFO {2}admin/.test(l))).toBe(false);
      if (format === "json") {
        for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
        expect(JSON.parse(forged[0]).path).toBe("/api/nope\r\n12:00:00 INFO  admin signed in\u001b[2J\u2028");
      } else {
        expect(forged[0]).toMatch(/^\d\d:\d\d:\d\d INFO {2}request {2}method=GET path="\/api\/nope\\r\\n12:00:00 INFO {2}admin signed in\\u001b\[2J\\u2028" status=\d+ ms=/);
      }
    });
  }
});
