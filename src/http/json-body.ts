/**
 * Reads a JSON body and validates it with a zod schema. Wrong content type, malformed JSON
 * and schema failures are all 400s with details — never a 500.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { AppError, clip, ERROR_LIMITS, type ErrorDetail } from "../platform/errors.js";

/**
 * One detail per issue, path cut to a bounded length (a field name is the client's text) and
 * the summary built from those, so a 10 KB field name is never sent back whole. zod's own
 * messages say what was expected, never the value; "unrecognized_keys" lists the keys, so it
 * gets a message of its own.
 */
export function zodDetails(error: z.ZodError, root = ""): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: clip([root, ...issue.path.map(String)].filter(Boolean).join(".") || "body", ERROR_LIMITS.path),
    message: issue.code === "unrecognized_keys" ? "has unknown fields" : clip(issue.message, ERROR_LIMITS.detailMessage),
  }));
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, root = ""): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const details = zodDetails(result.error, root).slice(0, ERROR_LIMITS.details);
    throw new AppError("VALIDATION_ERROR", `Invalid request: ${details.map((d) => `${d.path} ${d.message}`).join("; ")}`, { details });
  }
  return result.data;
}

export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await readJsonBody(c));
}

/** Whether a Content-Type header says JSON: the one rule for our routes and the auth wrapper. */
export const isJsonContentType = (type: string | null | undefined): boolean => /^application\/json\b/i.test(type ?? "");

/** Refuses a body that is not declared as JSON (400). */
export function assertJsonContentType(type: string | null | undefined): void {
  if (!isJsonContentType(type)) {
    throw new AppError("VALIDATION_ERROR", "Content-Type must be application/json", {
      details: [{ path: "content-type", message: "must be application/json" }],
    });
  }
}

/** The parsed JSON body, not yet validated. */
export async function readJsonBody(c: Context): Promise<unknown> {
  assertJsonContentType(c.req.header("content-type"));
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("VALIDATION_ERROR", "Malformed JSON in request body", { details: [{ path: "body", message: "is not valid JSON" }] });
  }
  return body;
}
