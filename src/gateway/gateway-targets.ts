/**
 * Which service a gateway URL is for, from the providers' own `gateway.path` (services/), and
 * the part after the SDK's base URL that is forwarded: `/gateway/openai/v1/chat/completions?x=1`
 * → openai, `/chat/completions?x=1`. Custom endpoints are addressed by key:
 * `/gateway/custom/:keyId/…`.
 */
import { listServices, type ServiceId } from "../services/index.js";
import type { UsageFormatId } from "../services/usage-formats/usage-format.js";

export const GATEWAY_PREFIX = "/gateway/";

export interface GatewayTarget {
  service: ServiceId;
  format: UsageFormatId;
  /** What follows the SDK's base URL, query string included ("" or starting with "/" or "?"). */
  rest: string;
  /** `/gateway/custom/:keyId` only. */
  keyId?: string;
}

interface Route {
  service: ServiceId;
  format: UsageFormatId;
  /** "openai/v1/" etc., without the /gateway/ prefix. */
  path: string;
}

const ROUTES: readonly Route[] = listServices()
  .flatMap((s) => (s.gateway ? [{ service: s.id, format: s.gateway.format, path: s.gateway.path }] : []))
  // Longest first, so "groq/openai/v1" is never taken for a shorter path.
  .sort((a, b) => b.path.length - a.path.length);

/** The base URLs SDKs are pointed at, for docs and the web app. */
export const GATEWAY_PATHS: ReadonlyArray<{ service: ServiceId; path: string }> = ROUTES.map((r) => ({
  service: r.service,
  path: r.service === "custom" ? `${GATEWAY_PREFIX}custom/:keyId` : `${GATEWAY_PREFIX}${r.path}`,
}));

const KEY_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** The target of `url` (path and query, starting with /gateway/), or undefined when none matches. */
export function parseGatewayTarget(url: string): GatewayTarget | undefined {
  if (!url.startsWith(GATEWAY_PREFIX)) return undefined;
  const after = url.slice(GATEWAY_PREFIX.length);
  for (const route of ROUTES) {
    if (!after.startsWith(route.path)) continue;
    let rest = after.slice(route.path.length);
    if (route.service === "custom") {
      if (rest[0] !== "/") continue;
      const end = rest.slice(1).search(/[/?]/);
      const keyId = end === -1 ? rest.slice(1) : rest.slice(1, end + 1);
      if (!KEY_ID.test(keyId)) return undefined;
      rest = end === -1 ? "" : rest.slice(end + 1);
      return { service: route.service, format: route.format, rest, keyId };
    }
    // "openai/v1x" is not under "openai/v1".
    if (rest !== "" && rest[0] !== "/" && rest[0] !== "?") continue;
    return { service: route.service, format: route.format, rest };
  }
  return undefined;
}
