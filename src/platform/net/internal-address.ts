/**
 * Which addresses a user-supplied endpoint must not reach: loopback, private, link-local,
 * CGNAT, metadata and the like. Pure classification (no I/O), shared by the key tester's SSRF
 * guard and the key service's checks at save and hand-out.
 */
import net from "node:net";

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
  [
    "metadata",
    [
      ["169.254.169.254", 32, "ipv4"],
      ["fd00:ec2::254", 128, "ipv6"],
      ["168.63.129.16", 32, "ipv4"], // Azure's platform endpoint (wireserver): public-looking, internal
    ],
  ],
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
export function isInternalName(hostname: string): boolean {
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

