/**
 * A fake model provider on 127.0.0.1 for the gateway tests: OpenAI chat completions, Anthropic
 * messages and Gemini generateContent, each answered whole or streamed in the provider's
 * documented format, with real-looking usage. It keeps every request it received (headers and
 * body) so a test can check what the gateway sent, and can hang, reset or stream slowly.
 */
import http from "node:http";
import { listenOnLoopback } from "./loopback-server.js";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeLlmOptions {
  /** Pause between streamed chunks. */
  chunkDelayMs?: number;
  /** Streamed chunks of content before the end. */
  chunks?: number;
  /** `GET /openai/v1/files/big/content`: this many bytes of application/octet-stream, written as read. */
  bigBytes?: number;
}

export interface FakeLlm {
  url: string;
  received: ReceivedRequest[];
  /** Streams whose client went away before the end. */
  aborted: number;
  /** Streams that reached their end. */
  completed: number;
  /** Bytes of the big file handed to the socket so far (the pump waits for "drain"). */
  bigWritten: number;
  /** Next requests: "hang" never answers, "reset" drops the socket after the headers, "error" answers 400 in the provider's shape. */
  mode: "normal" | "hang" | "reset" | "error" | "no-usage" | "malformed";
  options: FakeLlmOptions;
  close(): Promise<void>;
}

export const FAKE_USAGE = { input: 12, output: 34, cached: 2 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const state = { received: [] as ReceivedRequest[], aborted: 0, completed: 0, bigWritten: 0, mode: "normal" as FakeLlm["mode"], options };

  async function stream(res: http.ServerResponse, events: string[], req: http.IncomingMessage): Promise<void> {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    let gone = false;
    res.on("close", () => {
      if (!res.writableFinished) gone = true;
    });
    if (state.mode === "reset") {
      res.write(events[0]);
      await sleep(20);
      req.socket.destroy();
      return;
    }
    for (const e of events) {
      if (gone) break;
      res.write(e);
      if (state.options.chunkDelayMs) await sleep(state.options.chunkDelayMs);
    }
    if (gone) state.aborted++;
    else {
      res.end();
      state.completed++;
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      state.received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      if (state.mode === "hang") return;
      let parsed: any = {};
      try {
        parsed = body ? JSON.parse(body) : {};
      } catch {
        parsed = {};
      }
      const url = req.url ?? "";
      const n = state.options.chunks ?? 3;
      const model = typeof parsed.model === "string" ? parsed.model : "unknown-model";
      const noUsage = state.mode === "no-usage";

      if (url.startsWith("/openai/v1/chat/completions")) {
        if (state.mode === "error") {
          res.writeHead(400, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: "fake provider says no", type: "invalid_request_error", param: null, code: "bad" } }));
          return;
        }
        // A request with max_tokens uses all of it: its real cost is then its worst case.
        const output = typeof parsed.max_tokens === "number" ? parsed.max_tokens : FAKE_USAGE.output;
        const usage = { prompt_tokens: FAKE_USAGE.input, completion_tokens: output, total_tokens: FAKE_USAGE.input + output, prompt_tokens_details: { cached_tokens: FAKE_USAGE.cached } };
        if (parsed.stream && state.mode === "malformed") {
          void stream(res, ["data: {not json\n\n", "garbage line without field\n", ": comment\n\n", "data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n", "data: [DONE]\n\n"], req);
          return;
        }
        if (parsed.stream) {
          const base = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model };
          const events = [`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })}\n\n`];
          for (let i = 0; i < n; i++) events.push(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }] })}\n\n`);
          events.push(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`);
          if (parsed.stream_options?.include_usage && !noUsage) events.push(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
          events.push("data: [DONE]\n\n");
          void stream(res, events, req);
          return;
        }
        res.writeHead(200, { "content-type": "application/json", "x-fake": "yes" });
        res.end(
          JSON.stringify({
            id: "chatcmpl-1",
            object: "chat.completion",
            created: 1,
            model,
            choices: [{ index: 0, message: { role: "assistant", content: "hello from fake" }, finish_reason: "stop" }],
            ...(noUsage ? {} : { usage }),
          }),
        );
        return;
      }
      if (url.startsWith("/openai/v1/files/big/content")) {
        let left = state.options.bigBytes ?? 0;
        state.bigWritten = 0;
        const block = Buffer.alloc(1 << 20, 0x61);
        // ?json=1: the same bytes labelled as JSON (an answer too large for the gateway to read whole).
        const type = url.includes("json=1") ? "application/json" : "application/octet-stream";
        res.writeHead(200, { "content-type": type, "content-length": String(left) });
        const pump = () => {
          while (left > 0) {
            const n = Math.min(left, block.length);
            left -= n;
            state.bigWritten += n;
            if (!res.write(n === block.length ? block : block.subarray(0, n))) return void res.once("drain", pump);
          }
          res.end();
        };
        res.on("close", () => (left = 0));
        pump();
        return;
      }
      if (url.startsWith("/openai/v1/models")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ object: "list", data: [{ id: "gpt-4o-mini", object: "model", created: 1, owned_by: "fake" }] }));
        return;
      }
      if (url.startsWith("/anthropic/v1/messages")) {
        const message = { id: "msg_1", type: "message", role: "assistant", model, content: [] as unknown[], stop_reason: null, stop_sequence: null };
        if (parsed.stream) {
          const ev = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
          const events = [ev("message_start", { type: "message_start", message: { ...message, usage: { input_tokens: FAKE_USAGE.input, output_tokens: 1, cache_read_input_tokens: 0 } } })];
          events.push(ev("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }));
          for (let i = 0; i < n; i++) events.push(ev("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: `w${i} ` } }));
          events.push(ev("content_block_stop", { type: "content_block_stop", index: 0 }));
          events.push(ev("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: FAKE_USAGE.output } }));
          events.push(ev("message_stop", { type: "message_stop" }));
          void stream(res, events, req);
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ...message, content: [{ type: "text", text: "hello from fake" }], stop_reason: "end_turn", usage: { input_tokens: FAKE_USAGE.input, output_tokens: FAKE_USAGE.output } }));
        return;
      }
      if (url.startsWith("/google/v1beta/models/")) {
        const m = /models\/([^:]+):(\w+)/.exec(url);
        const usageMetadata = { promptTokenCount: FAKE_USAGE.input, candidatesTokenCount: FAKE_USAGE.output, totalTokenCount: FAKE_USAGE.input + FAKE_USAGE.output };
        const answer = { candidates: [{ content: { role: "model", parts: [{ text: "hello from fake" }] }, finishReason: "STOP" }], usageMetadata, modelVersion: m?.[1] ?? "x" };
        if (m?.[2] === "streamGenerateContent") {
          void stream(res, [`data: ${JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text: "hello " }] } }] })}\r\n\r\n`, `data: ${JSON.stringify(answer)}\r\n\r\n`], req);
          return;
        }
        res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
        res.end(JSON.stringify(answer));
        return;
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `fake: no route ${url}` } }));
    });
  });
  server.keepAliveTimeout = 5_000;
  const { url, close } = await listenOnLoopback(server);
  const fake: FakeLlm = Object.assign(state, {
    url,
    close: () => {
      server.closeAllConnections();
      return close();
    },
  });
  return fake;
}
