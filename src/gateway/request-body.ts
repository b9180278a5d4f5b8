/**
 * The caller's request body: a JSON body is read whole (bounded) so that its model and output
 * cap can be read and priced before anything is forwarded; any other body (an audio upload, a
 * file) is streamed through as it comes, unread.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { AppError } from "../platform/errors.js";

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
  const bytes = await readWhole(stream, maxBytes, tooLarge);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    // Not JSON after all: forwarded as it is, for the provider to refuse in its own words.
    parsed = undefined;
  }
  return { kind: "json", bytes, parsed };
}

/**
 * The body, bounded, through plain listeners: a `for await` over the request costs an async
 * iterator and a promise per chunk, a measurable share of a small request's CPU.
 */
function readWhole(stream: Readable, maxBytes: number, tooLarge: () => AppError): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        stream.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    // Closed before its end (the caller went away): as `for await` would, a premature close.
    const onClose = () => {
      if (stream.readableEnded) return;
      stop();
      reject(Object.assign(new Error("Premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    };
    if (stream.destroyed) return onClose();
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    stream.on("close", onClose);
  });
}
