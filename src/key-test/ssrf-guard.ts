import { promises as dns } from "node:dns";
import net from "node:net";
import { AppError } from "../errors.js";

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a hostname to every address it has (like `dns.promises.lookup(host, { all: true })`). */
export type LookupFn = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: LookupFn = (hostname) => dns.lookup(hostname, { all: true });

export type BlockedAddressKind =
  | "metadata"
  | "unspecified"
  | "loopback"
  | "private"
  | "link-local"
  | "shared (CGNAT)"
  | "multicast"
  | "reserved";

/** Checked in order: the first list that holds an address names its kind. */
const BLOCKED_RANGES: ReadonlyArray<[BlockedAddressKind, ReadonlyArray<[string, number, "ipv4" | "ipv6"]>]> = [
  ["metadata", [["169.254.169.254", 32, "ipv4"], ["fd00:ec2::254", 128, "ipv6"]]],
  ["unspecified", [["0.0.0.0", 8, "ipv4"], ["::", 128, "ipv6"]]],
  ["loopback", [["127.0.0.0", 8, "ipv4"], ["::1", 128, "ipv6"]]],
  [
    "private",
    [
      ["10.0.0.0", 8, "ipv4"],
      ["172.16.0.0", 12, "ipv4"],
      ["192.168.0.0", 16, "ipv4"],
      ["fc00::", 7, "ipv6"],
      ["fec0::", 10, "ipv6"], // deprecated site-local, still private where it is used
      ["64:ff9b:1::", 48, "ipv6"], // local-use NAT64 (RFC 8215): reaches this network's IPv4
    ],
  ],
  ["link-local", [["169.254.0.0", 16, "ipv4"], ["fe80::", 10, "ipv6"]]],
  ["shared (CGNAT)", [["100.64.0.0", 10, "ipv4"]]],
  ["multicast", [["224.0.0.0", 4, "ipv4"], ["ff00::", 8, "ipv6"]]],
  [
    "reserved",
    [
      ["192.0.0.0", 24, "ipv4"], // IETF protocol assignments
      ["198.18.0.0", 15, "ipv4"], // benchmarking, used inside some clouds
      ["240.0.0.0", 4, "ipv4"], // includes 255.255.255.255
    ],
  ],
];

const BLOCK_LISTS: ReadonlyArray<[BlockedAddressKind, net.BlockList]> = BLOCKED_RANGES.map(([kind, ranges]) => {
  const list = new net.BlockList();
  for (const [prefix, bits, type] of ranges) list.addSubnet(prefix, bits, type);
  return [kind, list];
});

/** Names that are internal whatever DNS says about them. */
function isBlockedName(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    hostname === "metadata.google.internal" ||
    hostname === "metadata" ||
    hostname === "instance-data" ||
    hostname.endsWith(".internal")
  );
}

/** The 8 groups of an IPv6 address (already known valid), with any embedded dotted quad folded in. */
function ipv6Groups(address: string): number[] {
  let text = address.split("%")[0].toLowerCase();
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[2].split(".").map(Number);
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(zeros).fill("0"), ...tailGroups].map((g) => parseInt(g, 16));
}

/**
 * The IPv4 address an IPv6 address carries and hands to IPv4 routing: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`), IPv4-compatible (`::a.b.c.d`),
 * NAT64 (`64:ff9b::a.b.c.d`) and 6to4 (`2002:aabb:ccdd::`). The local-use NAT64 prefix is blocked whole.
 */
function embeddedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const v4 = (hi: number, lo: number) => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join(".");
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const mapped = zero(0, 5) && g[5] === 0xffff;
  const translated = zero(0, 4) && g[4] === 0xffff && g[5] === 0;
  const compatible = zero(0, 5) && g[5] === 0 && (g[6] !== 0 || g[7] > 1); // not :: or ::1
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6);
  if (mapped || translated || compatible || nat64) return v4(g[6], g[7]);
  if (g[0] === 0x2002) return v4(g[1], g[2]); // 6to4
  return undefined;
}

/** Why an IP address must not be reached from the server, or undefined when it is public. */
export function classifyAddress(address: string): BlockedAddressKind | undefined {
  const bare = address.replace(/^\[(.*)\]$/, "$1");
  const family = net.isIP(bare.split("%")[0]);
  if (family === 0) return "reserved"; // not an address at all: never treat as public
  if (family === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4) return classifyAddress(v4);
  }
  const type = family === 4 ? "ipv4" : "ipv6";
  const plain = bare.split("%")[0];
  for (const [kind, list] of BLOCK_LISTS) {
    if (list.check(plain, type)) return kind;
  }
  return undefined;
}

/** The URL's host as DNS and sockets see it: no IPv6 brackets, no trailing dot, lower case. */
export function endpointHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase();
}

const NOT_ALLOWED = "private, loopback, link-local and metadata addresses are not allowed";

function refusal(message: string): AppError {
  return new AppError("VALIDATION_ERROR", message, { details: [{ path: "config.baseUrl", message }] });
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? "an" : "a";
}

export interface EndpointGuardOptions {
  /** The operator's KEYHAVEN_ALLOW_PRIVATE_ENDPOINTS: resolve, but check nothing. */
  allowPrivate: boolean;
  lookup?: LookupFn;
  /** Aborts a slow DNS lookup (the key test's timeout). */
  signal?: AbortSignal;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/**
 * Resolves the URL's host once and returns the addresses a request may connect to. Unless
 * `allowPrivate`, every answer must be public: one private answer refuses the whole host,
 * since the connection could go to any of them. DNS failures are passed through as they are
 * (`ENOTFOUND`…) so the caller can report them; refusals are VALIDATION_ERROR.
 */
export async function resolvePublicEndpoint(url: URL, opts: EndpointGuardOptions): Promise<ResolvedAddress[]> {
  const hostname = endpointHostname(url);
  const literalFamily = net.isIP(hostname);
  if (literalFamily !== 0) {
    const kind = opts.allowPrivate ? undefined : classifyAddress(hostname);
    if (kind) {
      throw refusal(`Endpoint host is ${article(kind)} ${kind} address (${hostname}); ${NOT_ALLOWED}`);
    }
    return [{ address: hostname, family: literalFamily }];
  }
  if (!opts.allowPrivate && isBlockedName(hostname)) {
    throw refusal(`Endpoint host ${hostname} is an internal name; ${NOT_ALLOWED}`);
  }
  const answers = await abortable((opts.lookup ?? systemLookup)(hostname), opts.signal);
  if (answers.length === 0) {
    throw Object.assign(new Error(`No address found for ${hostname}`), { code: "ENOTFOUND", hostname });
  }
  if (!opts.allowPrivate) {
    for (const { address } of answers) {
      const kind = classifyAddress(address);
      if (kind) {
        throw refusal(`Endpoint host resolves to ${article(kind)} ${kind} address (${address}); ${NOT_ALLOWED}`);
      }
    }
  }
  return answers.map(({ address, family }) => ({ address, family }));
}

/**
 * Refuses (VALIDATION_ERROR) a URL whose host is, or resolves to, a loopback, private,
 * link-local, metadata, unspecified, CGNAT, multicast or reserved address.
 */
export async function assertPublicEndpoint(
  url: URL,
  opts: { allowPrivate: boolean; lookup?: LookupFn; signal?: AbortSignal },
): Promise<void> {
  if (opts.allowPrivate) return;
  await resolvePublicEndpoint(url, opts);
}
