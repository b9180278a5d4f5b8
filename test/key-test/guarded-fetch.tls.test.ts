/**
 * HTTPS through the pinned address: SNI still names the host and the certificate is still
 * verified (an untrusted one is refused). A throwaway self-signed certificate is made with
 * the openssl CLI (test/support/self-signed-cert.ts); without it the file is skipped.
 */
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyTester, guardedFetch, type LookupFn } from "../../src/key-test/index.js";
import { fakeKey } from "../support/fake-provider.js";
import { makeSelfSignedCertificate } from "../support/self-signed-cert.js";

const certificate = makeSelfSignedCertificate("provider.example", "DNS:provider.example");
const toLoopback: LookupFn = async () => [{ address: "127.0.0.1", family: 4 }];

describe.skipIf(!certificate)("https with a pinned address", () => {
  let server: https.Server;
  let port: number;
  const serverNames: (string | undefined)[] = [];
  let requests = 0;

  beforeAll(async () => {
    server = https.createServer(
      {
        ...certificate!,
        SNICallback: (name, cb) => {
          serverNames.push(name);
          cb(null, undefined);
        },
      },
      (_req, res) => {
        requests++;
        res.end("{}");
      },
    );
    server.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("sends the hostname as SNI and refuses the untrusted certificate", async () => {
    const url = new URL(`https://provider.example:${port}/v1/models`);
    await expect(guardedFetch(url, { method: "GET", headers: {} }, { allowPrivate: true, lookup: toLoopback })).rejects.toMatchObject({
      code: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
    expect(serverNames.at(-1)).toBe("provider.example");
    expect(requests).toBe(0);
  });

  it("the key test reports it as an error outcome", async () => {
    const tester = createKeyTester({ allowPrivateEndpoints: true, lookup: toLoopback });
    const result = await tester.testKey("custom", fakeKey("custom", "valid"), { baseUrl: `https://provider.example:${port}/v1` });
    expect(result).toMatchObject({
      status: "error",
      success: false,
      message: `Secure connection to provider.example:${port} failed (DEPTH_ZERO_SELF_SIGNED_CERT)`,
    });
  });
});
