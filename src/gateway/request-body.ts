/**
 * The caller's request body: a JSON body is read whole (bounded) so that its model and output
 * cap can be read and priced before anything is forwarded; any other body (an audio upload, a
 * file) is streamed through as it comes, unread.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { AppError } from "../platform/errors.js";
import { readBounded } from "./read-bounded.js";

export type RequestBody =
  | { kind: "none" }
  | { kind: "json"; bytes: Buffer; parsed: unknown }
  | { kind: "stream"; stream: Readable };

const isJson = (contentType: string | undefined) => contentType !== undefined && /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType);

export async function readRequestBody(method: string, headers: IncomingHttpHeaders, stream: Readable, maxBytes: number): Promise<RequestBody> {
  const hasBody = headers["content-length"] !== undefined ? headers["content-length"] !== "0" : headers["transfer-encoding"] !== undefined;
  if (!hasBody || method === "GET" || method === "HEAD") {
    stream.resume();
    return { kind: "none" };
  }
  if (!isJson(headers["content-type"])) return { kind: "stream", stream };
  const declared = Number(headers["content-length"] ?? NaN);
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than the gateway reads (${Math.round(maxBytes / 2 ** 20)} MiB)`);
  if (declared > maxBytes) {
    stream.resume();
    throw tooLarge();
  }
  const { bytes, complete } = await readBounded(stream, maxBytes);
  if (!complete) {
    stream.resume();
    throw tooLarge();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    // Not JSON after all: forwarded as it is, for the provider to refuse in its own words.
    parsed = undefined;
  }
  return { kind: "json", bytes, parsed };
}
