/**
 * The SSRF guard alone. No request is ever sent here: a "public" address is only checked,
 * never connected to (the network is closed).
 */
import os from "node:os";
import { describe, expect, it, vi } from "vitest";
import {
  assertPublicEndpoint,
  classifyAddress,
  resolvePublicEndpoint,
  systemLookup,
  type LookupFn,
} from "../../src/key-test/index.js";
import { expectAppError } from "./helpers.js";

const NOT_ALLOWED = "private, loopback, link-local and metadata addresses are not allowed";

/** A resolver that must not be asked: the host is refused (or passed) on its face. */
const noLookup: LookupFn = async (host) => {
  throw new Error(`lookup(${host}) should not have been called`);
};

const mapLookup =
  (table: Record<string, string[]>): LookupFn =>
  async (host) => {
    const answers = table[host];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

/** In a sandbox the machine's own name often maps to 127.0.0.1 in /etc/hosts: a real-resolver case. */
const hostname = os.hostname().toLowerCase();
const hostnameIsLoopback = await systemLookup(hostname).then(
  (answers) => answers.length > 0 && answers.every((a) => classifyAddress(a.address) === "loopback"),
  () => false,
);

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["169.254.1.1", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["100.64.0.1", "shared (CGNAT)"],
    ["100.127.255.255", "shared (CGNAT)"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    // IPv4 carried in IPv6: mapped, compatible, NAT64, in both spellings.
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:0:7f00:1", "loopback"], // IPv4-translated
    ["2002:7f00:1::", "loopback"], // 6to4 carrying 127.0.0.1
    ["2002:a9fe:a9fe::1", "metadata"], // 6to4 carrying 169.254.169.254
    ["64:ff9b:1::a9fe:a9fe", "private"], // local-use NAT64
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.1.2.3", "private"],
    ["::ffff:a9fe:a9fe", "metadata"],
    ["0:0:0:0:0:ffff:c0a8:0101", "private"],
    ["::127.0.0.1", "loopback"],
    ["64:ff9b::169.254.169.254", "metadata"],
    ["[::1]", "loopback"],
    ["not-an-ip", "reserved"],
  ])("%s → %s", (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each([
    "93.184.216.34",
    "8.8.8.8",
    "172.15.255.255",
    "172.32.0.0",
    "100.63.255.255",
    "100.128.0.0",
    "169.253.255.255",
    "2606:2800:220:1:248:1893:25c8:1946",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
  ])("%s is public", (address) => {
    expect(classifyAddress(address)).toBeUndefined();
  });
});

describe("assertPublicEndpoint refuses", () => {
  it.each([
    ["https://127.0.0.1/v1", "a loopback address (127.0.0.1)"],
    ["https://10.0.0.1/v1", "a private address (10.0.0.1)"],
    ["https://192.168.1.1/v1", "a private address (192.168.1.1)"],
    ["https://172.20.0.5:8443/v1", "a private address (172.20.0.5)"],
    ["https://169.254.169.254/latest/meta-data", "a metadata address (169.254.169.254)"],
    ["https://169.254.10.10/", "a link-local address (169.254.10.10)"],
    ["https://100.100.100.200/", "a shared (CGNAT) address (100.100.100.200)"],
    ["https://0.0.0.0/", "an unspecified address (0.0.0.0)"],
    ["https://[::1]/v1", "a loopback address (::1)"],
    ["https://[::]/", "an unspecified address (::)"],
    ["https://[::ffff:127.0.0.1]/v1", "a loopback address (::ffff:7f00:1)"],
    ["https://[fe80::1]/", "a link-local address (fe80::1)"],
    ["https://[fd00:ec2::254]/", "a metadata address (fd00:ec2::254)"],
    // Other spellings of 127.0.0.1 that the URL parser normalizes.
    ["https://2130706433/", "a loopback address (127.0.0.1)"],
    ["https://0x7f.1/", "a loopback address (127.0.0.1)"],
    ["https://127.1/", "a loopback address (127.0.0.1)"],
  ])("%s", async (url, what) => {
    const err = await expectAppError(assertPublicEndpoint(new URL(url), { allowPrivate: false, lookup: noLookup }), "VALIDATION_ERROR");
    expect(err.message).toBe(`Endpoint host is ${what}; ${NOT_ALLOWED}`);
    expect(err.details).toEqual([{ path: "config.baseUrl", message: err.message }]);
  });

  it.each(["https://localhost/v1", "https://LOCALHOST./v1", "https://api.localhost/", "https://metadata.google.internal/computeMetadata/v1"])(
    "internal name %s, without asking DNS",
    async (url) => {
      const err = await expectAppError(assertPublicEndpoint(new URL(url), { allowPrivate: false, lookup: noLookup }), "VALIDATION_ERROR");
      expect(err.message).toMatch(/^Endpoint host \S+ is an internal name; /);
      expect(err.message).toContain(NOT_ALLOWED);
    },
  );

  it("a hostname that resolves to loopback", async () => {
    const lookup = mapLookup({ "evil.example": ["127.0.0.1"] });
    const err = await expectAppError(
      assertPublicEndpoint(new URL("https://evil.example/v1"), { allowPrivate: false, lookup }),
      "VALIDATION_ERROR",
    );
    // The resolved address is never named: a refusal must not map an internal network.
    expect(err.message).toBe(`Endpoint host resolves to a loopback address; ${NOT_ALLOWED}`);
  });

  it("a hostname with one private answer among public ones (every answer counts)", async () => {
    const lookup = mapLookup({ "mixed.example": ["93.184.216.34", "2606:2800:220:1::1", "10.1.2.3"] });
    const err = await expectAppError(
      assertPublicEndpoint(new URL("https://mixed.example/"), { allowPrivate: false, lookup }),
      "VALIDATION_ERROR",
    );
    expect(err.message).toBe(`Endpoint host resolves to a private address; ${NOT_ALLOWED}`);
  });

  it.each([
    ["::ffff:127.0.0.1", "loopback"],
    ["fd00:ec2::254", "metadata"],
    ["169.254.169.254", "metadata"],
  ])("a hostname resolving to %s", async (address, kind) => {
    const lookup = mapLookup({ "rebind.example": [address] });
    const err = await expectAppError(
      assertPublicEndpoint(new URL("https://rebind.example/"), { allowPrivate: false, lookup }),
      "VALIDATION_ERROR",
    );
    expect(err.message).toContain(`resolves to a ${kind} address;`);
    expect(err.message).not.toContain(address);
  });

  it("localhost with the real resolver", async () => {
    await expectAppError(assertPublicEndpoint(new URL("https://localhost/"), { allowPrivate: false }), "VALIDATION_ERROR");
    const answers = await systemLookup("localhost");
    expect(answers.length).toBeGreaterThan(0);
    for (const { address } of answers) expect(classifyAddress(address)).toBe("loopback");
  });

  it.skipIf(!hostnameIsLoopback)(`this machine's name (${hostname}), which the real resolver maps to loopback`, async () => {
    const err = await expectAppError(assertPublicEndpoint(new URL(`https://${hostname}/`), { allowPrivate: false }), "VALIDATION_ERROR");
    expect(err.message).toMatch(/^Endpoint host resolves to a loopback address; /);
  });
});

describe("assertPublicEndpoint allows", () => {
  it("a hostname resolving to public addresses (checked, never contacted)", async () => {
    const lookup = vi.fn(mapLookup({ "api.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"] }));
    await expect(assertPublicEndpoint(new URL("https://api.example.com/v1"), { allowPrivate: false, lookup })).resolves.toBeUndefined();
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(lookup).toHaveBeenCalledWith("api.example.com");
  });

  it("a public IP literal, without asking DNS", async () => {
    await expect(assertPublicEndpoint(new URL("https://93.184.216.34/v1"), { allowPrivate: false, lookup: noLookup })).resolves.toBeUndefined();
  });

  it("anything when the operator allows private endpoints", async () => {
    for (const url of ["https://127.0.0.1/", "https://localhost/", "https://[::1]/", "https://169.254.169.254/"]) {
      await expect(assertPublicEndpoint(new URL(url), { allowPrivate: true, lookup: noLookup })).resolves.toBeUndefined();
    }
  });
});

describe("resolvePublicEndpoint", () => {
  it("returns the vetted answers the request will connect to", async () => {
    const lookup = mapLookup({ "api.example.com": ["93.184.216.34"] });
    expect(await resolvePublicEndpoint(new URL("https://api.example.com/"), { allowPrivate: false, lookup })).toEqual([
      { address: "93.184.216.34", family: 4 },
    ]);
  });

  it("passes DNS failures through for the caller to report", async () => {
    const lookup = mapLookup({});
    await expect(resolvePublicEndpoint(new URL("https://nowhere.invalid/"), { allowPrivate: false, lookup })).rejects.toMatchObject({
      code: "ENOTFOUND",
    });
  });

  it("treats an empty answer as not found", async () => {
    const lookup: LookupFn = async () => [];
    await expect(resolvePublicEndpoint(new URL("https://empty.example/"), { allowPrivate: true, lookup })).rejects.toMatchObject({
      code: "ENOTFOUND",
    });
  });
});
