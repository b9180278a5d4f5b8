/**
 * The gateway's upstream client against a provider on loopback that drops a kept-alive socket
 * when the next request arrives on it — the race where a provider closes an idle connection just
 * as the gateway reuses it. Such a request never reached the provider, so it is sent again once
 * on a new socket; any other failure is the caller's to see.
 */
import http from "node:http";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendUpstream, UpstreamError } from "../../src/gateway/upstream.js";
import { listenOnLoopback } from "../support/loopback-server.js";

describe("upstream requests", () => {
  let url: string;
  let close: () => Promise<void>;
  /** Requests answered, by what they carried. */
  const answered: string[] = [];
  /** "second": drop a socket on its second request; "always": drop every request. */
  let drop: "second" | "always" = "second";

  beforeAll(async () => {
    const served = new WeakMap<object, number>();
    const server = http.createServer((req, res) => {
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      if (drop === "always" || n === 2) {
        req.socket.destroy();
        return;
      }
      const body: Buffer[] = [];
      req.on("data", (d: Buffer) => body.push(d));
      req.on("end", () => {
        answered.push(Buffer.concat(body).toString());
        res.end("ok");
      });
    });
    ({ url, close } = await listenOnLoopback(server));
  });
  afterAll(() => close());

  const send = (body: Buffer | Readable | null) =>
    sendUpstream({ url: new URL(`${url}/v1/x`), method: "POST", headers: { "content-type": "text/plain" }, body, timeoutMs: 2_000 }).response;
  /** Reads the answer whole, so its socket goes back to the pool for the next request. */
  const statusOf = async (body: Buffer | Readable | null) => {
    const res = await send(body);
    res.resume();
    await new Promise((r) => res.once("end", r));
    await new Promise((r) => setTimeout(r, 10));
    return res.statusCode;
  };

  it("a kept-alive socket reset before the answer: sent again once on a new socket, answered", async () => {
    drop = "second";
    answered.length = 0;
    expect(await statusOf(Buffer.from("one"))).toBe(200);
    expect(await statusOf(Buffer.from("two"))).toBe(200);
    expect(answered).toEqual(["one", "two"]);
  });

  it("a reset on a new socket is not retried: the caller hears the provider could not be reached", async () => {
    drop = "always";
    await expect(send(Buffer.from("three"))).rejects.toThrow(UpstreamError);
    await expect(send(Buffer.from("three"))).rejects.toMatchObject({ kind: "unreachable" });
  });

  it("a streamed body is not sent twice: its first bytes are gone", async () => {
    drop = "second";
    answered.length = 0;
    expect(await statusOf(Buffer.from("four"))).toBe(200);
    await expect(send(Readable.from([Buffer.from("five")]))).rejects.toMatchObject({ kind: "unreachable" });
    expect(answered).toEqual(["four"]);
  });
});
