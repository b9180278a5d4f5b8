/**
 * The library's ApiKeyProvider answered over HTTP: each call goes to `/api/resolve` of the real
 * app with a service token, so the resolution tests run once through the library and once
 * through the REST API on the same data, and any difference between the two fails a test.
 * validateRequiredKeys has no HTTP counterpart (it counts no use; resolve does): it stays the library's.
 */
import { composeServer, type Runtime } from "../../src/app/compose.js";
import { createApp } from "../../src/http/app.js";
import { AppError, type ErrorCode } from "../../src/platform/errors.js";
import { createApiKeyProvider, type ApiKeyProvider, type AWSCredentials, type ServiceConfig } from "../../src/provider/index.js";
import type { ResolvedKeyAnswer } from "../../src/shared/api-schemas.js";
import { insertServiceToken } from "../support/tokens.js";

export async function httpProviderOf(rt: Runtime): Promise<ApiKeyProvider> {
  const app = createApp(rt, await composeServer(rt));
  const { token } = await insertServiceToken(rt, { createdBy: "test", scopes: ["resolve"] });
  const library = createApiKeyProvider({ resolver: rt.resolver });

  async function call<T>(path: string, init: RequestInit = {}): Promise<T | undefined> {
    const res = await app.request(path, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } });
    if (res.status === 404) return undefined;
    const body = (await res.json()) as T & { error?: { code: ErrorCode; message: string } };
    if (body.error) throw new AppError(body.error.code, body.error.message);
    return body;
  }
  const one = (userId: string, service: string) =>
    call<ResolvedKeyAnswer>(`/api/resolve/${encodeURIComponent(service)}?userId=${encodeURIComponent(userId)}`);
  const many = async (userId: string, services: readonly string[]) =>
    (await call<{ results: Record<string, ResolvedKeyAnswer | null> }>("/api/resolve", {
      method: "POST",
      body: JSON.stringify({ userId, services }),
    }))!.results;

  /** The library's shape: what getServiceConfig answers (no keyId, no credentials). */
  const serviceConfig = ({ service, apiKey, baseUrl, headers, source, teamId, region }: ResolvedKeyAnswer): ServiceConfig => ({
    service,
    apiKey,
    baseUrl,
    headers,
    source,
    ...(teamId ? { teamId } : {}),
    ...(region ? { region } : {}),
  });

  async function getApiKey(userId: string, service: string): Promise<string | undefined> {
    // The library answers undefined for aws without looking (a pair, not a string); so does this.
    if (service === "aws") return undefined;
    return (await one(userId, service))?.apiKey;
  }
  const getter = (service: string) => (userId: string) => getApiKey(userId, service);

  return {
    getApiKey,
    getOpenAIApiKey: getter("openai"),
    getAnthropicApiKey: getter("anthropic"),
    getGoogleApiKey: getter("google"),
    getGroqApiKey: getter("groq"),
    getXAIApiKey: getter("xai"),
    getCustomApiKey: getter("custom"),
    getApiKeys: (async (userId: string, services: readonly string[]) => {
      const results = await many(userId, services);
      return Object.fromEntries(Object.entries(results).map(([s, r]) => [s, s === "aws" ? undefined : r?.apiKey]));
    }) as ApiKeyProvider["getApiKeys"],
    validateRequiredKeys: (userId, services) => library.validateRequiredKeys(userId, services),
    async getServiceConfig(userId, service) {
      const found = await one(userId, service);
      return found && serviceConfig(found);
    },
    async getAWSCredentials(userId): Promise<AWSCredentials> {
      const found = await one(userId, "aws");
      // A 404 carries no region: the one the library would name, from the same resolver.
      if (!found) return { region: rt.resolver.regionOf(undefined), source: "none" };
      return { ...found.credentials, region: found.region!, source: found.source, ...(found.teamId ? { teamId: found.teamId } : {}) };
    },
  };
}
