import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger, formatLogLine } from "../../src/logger.js";

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
