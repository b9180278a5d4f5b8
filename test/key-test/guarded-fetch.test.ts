/** The pinned, bounded, non-redirecting request underneath the key test. Loopback only. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AppError } from "../../src/platform/errors.js";
import { guardedFetch, type LookupFn } from "../../src/key-test/index.js";
import { fakeKey, startFakeProvider, type FakeProvider } from "../support/fake-provider.js";

let fake: FakeProvider;
let port: string;
let bigServer: http.Server;
let bigUrl: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  port = new URL(fake.url).port;
  // Streams 8 MiB: a hostile endpoint that would fill memory if read whole.
  bigServer = http.createServer((_req, res) => {
    res.writeHead(401, { "content-type": "application/json" });
    const chunk = Buffer.alloc(64 * 1024, "a");
    let left = 128;
    const write = () => {
      while (left > 0) {
        left--;
        if (!res.write(chunk)) return void res.once("drain", write);
      }
      res.end();
    };
    res.on("error", () => {});
    write();
  });
  await new Promise<void>((resolve) => bigServer.listen(0, "127.0.0.1", resolve));
  bigUrl = `http://127.0.0.1:${(bigServer.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  bigServer.closeAllConnections();
  await new Promise((resolve) => bigServer.close(resolve));
  await fake.close();
});

const openaiHeaders = { authorization: `Bearer ${fakeKey("openai", "valid")}` };

describe("guardedFetch", () => {
  it("resolves once and connects to the vetted address, keeping the hostname in Host", async () => {
    const lookup = vi.fn<LookupFn>(async () => [{ address: "127.0.0.1", family: 4 }]);
    const url = new URL(`http://provider.example:${port}/openai/models`);
    const res = await guardedFetch(url, { method: "GET", headers: openaiHeaders }, { allowPrivate: true, lookup });
    expect(res.status).toBe(200);
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(fake.requests.at(-1)?.headers.host).toBe(`provider.example:${port}`);
  });

  it("connects to the first answer only, whatever DNS would say later (no rebinding window)", async () => {
    let calls = 0;
    const rebinding: LookupFn = async () => {
      calls++;
      // A second lookup would answer 10.0.0.1: the socket must never ask again.
      return calls === 1 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "10.0.0.1", family: 4 }];
    };
    const url = new URL(`http://rebind.example:${port}/openai/models`);
    const res = await guardedFetch(url, { method: "GET", headers: openaiHeaders }, { allowPrivate: true, lookup: rebinding });
    expect(res.status).toBe(200);
    expect(calls).toBe(1);
  });

  it("refuses a name resolving to loopback before connecting", async () => {
    const before = fake.requests.length;
    const lookup: LookupFn = async () => [{ address: "127.0.0.1", family: 4 }];
    const url = new URL(`http://evil.example:${port}/openai/models`);
    await expect(guardedFetch(url, { method: "GET", headers: openaiHeaders }, { allowPrivate: false, lookup })).rejects.toBeInstanceOf(
      AppError,
    );
    expect(fake.requests.length).toBe(before);
  });

  it("returns a 3xx as it is, without following it", async () => {
    const before = fake.requests.length;
    const url = new URL(`${fake.url}/openai/models`);
    const res = await guardedFetch(
      url,
      { method: "GET", headers: { authorization: `Bearer ${fakeKey("openai", "redirect")}` } },
      { allowPrivate: true },
    );
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("http://169.254.169.254/latest/meta-data");
    expect(fake.requests.length).toBe(before + 1);
  });

  it("reads at most maxBodyBytes of the answer and drops the rest", async () => {
    const res = await guardedFetch(new URL(bigUrl), { method: "GET", headers: {} }, { allowPrivate: true, maxBodyBytes: 1024 });
    expect(res.status).toBe(401);
    expect(res.body.length).toBe(1024);
    expect(res.truncated).toBe(true);
  });

  it("defaults to a 64 KiB cap", async () => {
    const res = await guardedFetch(new URL(bigUrl), { method: "GET", headers: {} }, { allowPrivate: true });
    expect(res.body.length).toBe(64 * 1024);
    expect(res.truncated).toBe(true);
  });

  it("stops on the signal (a hanging answer)", async () => {
    const url = new URL(`${fake.url}/openai/models`);
    const started = Date.now();
    await expect(
      guardedFetch(
        url,
        { method: "GET", headers: { authorization: `Bearer ${fakeKey("openai", "hang")}` }, signal: AbortSignal.timeout(200) },
        { allowPrivate: true },
      ),
    ).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("stops a slow DNS lookup on the signal too", async () => {
    const slow: LookupFn = () => new Promise(() => {});
    await expect(
      guardedFetch(new URL("https://slow-dns.example/"), { method: "GET", headers: {}, signal: AbortSignal.timeout(100) }, { allowPrivate: false, lookup: slow }),
    ).rejects.toMatchObject({ name: "TimeoutError" });
  });

  it("refuses other protocols", async () => {
    await expect(guardedFetch(new URL("file:///etc/passwd"), { method: "GET", headers: {} }, { allowPrivate: true })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
  });
});
