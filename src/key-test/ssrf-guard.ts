import net from "node:net";
import { AppError } from "../platform/errors.js";
import { systemLookup, type LookupFn, type ResolvedAddress } from "../platform/net/dns-lookup.js";
import { classifyAddress, endpointHostname, isInternalName } from "../platform/net/internal-address.js";

export { systemLookup, type LookupFn, type ResolvedAddress } from "../platform/net/dns-lookup.js";
export { classifyAddress, endpointHostname, type BlockedAddressKind } from "../platform/net/internal-address.js";

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
  if (!opts.allowPrivate && isInternalName(hostname)) {
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
        // The resolved address is not named: the answer must not map an internal network for the caller.
        throw refusal(`Endpoint host resolves to ${article(kind)} ${kind} address; ${NOT_ALLOWED}`);
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
