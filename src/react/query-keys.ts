/** TanStack Query keys, scoped by server so two providers never share a cache entry. */
export const keyhavenQueryKeys = {
  all: (baseUrl: string) => ["keyhaven", baseUrl] as const,
  apiKeys: (baseUrl: string) => ["keyhaven", baseUrl, "api-keys"] as const,
  /** One key's versions; under apiKeys, so a change to the list refetches them too. */
  versions: (baseUrl: string, keyId: string) => ["keyhaven", baseUrl, "api-keys", keyId, "versions"] as const,
  stats: (baseUrl: string) => ["keyhaven", baseUrl, "stats"] as const,
  services: (baseUrl: string) => ["keyhaven", baseUrl, "services"] as const,
  session: (baseUrl: string) => ["keyhaven", baseUrl, "session"] as const,
};
