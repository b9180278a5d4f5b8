/**
 * May a custom endpoint's base URL be stored and handed out? Not when it is, or resolves to,
 * an internal address (see internal-address.ts), unless the operator allows private endpoints.
 * No HTTP here: the key service and the hand-out use it; the key tester has its own guard,
 * which also pins the connection to the checked addresses.
 */
import net from "node:net";
import { AppError } from "../errors.js";
import { systemLookup, type LookupFn } from "./dns-lookup.js";
import { classifyAddress, endpointHostname, isInternalName } from "./internal-address.js";

/** Longest a save or a hand-out waits for DNS before judging by the name alone. */
export const ENDPOINT_LOOKUP_TIMEOUT_MS = 3_000;

// One message for every case: it names no address, so a refusal cannot map an internal network.
const REFUSED = "config.baseUrl is not allowed: it points to a private or internal address";

export function privateEndpointRefusal(): AppError {
  return new AppError("VALIDATION_ERROR", REFUSED, {
    details: [{ path: "config.baseUrl", message: "points to a private or internal address" }],
  });
}

function hostOf(baseUrl: string): string | undefined {
  try {
    return endpointHostname(new URL(baseUrl));
  } catch {
    return undefined;
  }
}

/**
 * Without any I/O: true when the host is an internal name or an internal IP literal (or no URL
 * at all). False only says "not known to be internal": a hostname still needs DNS.
 */
export function isInternalEndpointLiteral(baseUrl: string): boolean {
  const host = hostOf(baseUrl);
  if (host === undefined) return true;
  if (net.isIP(host)) return classifyAddress(host) !== undefined;
  return isInternalName(host);
}

export interface EndpointCheckOptions {
  lookup?: LookupFn;
  timeoutMs?: number;
}

/**
 * True when the host is internal by name or literal, or any of its DNS answers is internal
 * (one is enough: a client may connect to any of them). A failed or slow lookup is not a
 * refusal: the name then reaches nothing from here, and whoever connects resolves it again
 * (the key tester re-checks and pins its own connection).
 */
export async function isInternalEndpoint(baseUrl: string, opts: EndpointCheckOptions = {}): Promise<boolean> {
  if (isInternalEndpointLiteral(baseUrl)) return true;
  const host = hostOf(baseUrl)!;
  if (net.isIP(host)) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), opts.timeoutMs ?? ENDPOINT_LOOKUP_TIMEOUT_MS);
    timer.unref();
  });
  try {
    const answers = await Promise.race([(opts.lookup ?? systemLookup)(host), timeout]);
    return (answers ?? []).some(({ address }) => classifyAddress(address) !== undefined);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Throws the generic VALIDATION_ERROR when the endpoint is internal (see isInternalEndpoint). */
export async function assertExternalEndpoint(baseUrl: string, opts: EndpointCheckOptions = {}): Promise<void> {
  if (await isInternalEndpoint(baseUrl, opts)) throw privateEndpointRefusal();
}
