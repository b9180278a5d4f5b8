import { emptyConfigSchema, type StringProviderDefinition } from "../provider-definition.js";

export const xai: StringProviderDefinition<"xai"> = {
  id: "xai",
  label: "xAI",
  valueKind: "string",
  formatHint: 'starts with "xai-"',
  keyShape: { kind: "prefixed", prefix: "xai-", bodyLength: null },
  keyPageUrl: "https://console.x.ai",
  envVars: ["XAI_API_KEY"],
  baseUrlEnvVar: "KEYHAVEN_XAI_BASE_URL",
  defaultBaseUrl: "https://api.x.ai/v1",
  configFields: [],
  configSchema: () => emptyConfigSchema,
  authHeaders: (value) => ({ Authorization: `Bearer ${value}` }),
  keyTest: { kind: "get", path: "/models" },
  gateway: { path: "xai/v1", format: "openai" },
  // A wrong key is a 400 "Incorrect API key provided", not a 401.
  keyRejectedText: /(?:incorrect|invalid) api[ _-]?key/i,
};
