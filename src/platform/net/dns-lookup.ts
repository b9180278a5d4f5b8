import { promises as dns } from "node:dns";

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a hostname to every address it has (like `dns.promises.lookup(host, { all: true })`). */
export type LookupFn = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: LookupFn = (hostname) => dns.lookup(hostname, { all: true });
