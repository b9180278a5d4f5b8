/** An injected DNS: names map to the addresses given (changeable during a test); others fail like NXDOMAIN. */
import type { LookupFn } from "../../src/platform/net/dns-lookup.js";
import net from "node:net";

export interface MapLookup extends LookupFn {
  answers: Record<string, string[]>;
  /** Every name asked, in order. */
  asked: string[];
}

export function mapLookup(answers: Record<string, string[]>): MapLookup {
  const asked: string[] = [];
  const lookup = (async (hostname: string) => {
    asked.push(hostname);
    const addresses = lookup.answers[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", hostname });
    return addresses.map((address) => ({ address, family: net.isIP(address) }));
  }) as MapLookup;
  lookup.answers = answers;
  lookup.asked = asked;
  return lookup;
}
