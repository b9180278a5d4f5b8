import { emptyConfigSchema, type StringProviderDefinition } from "../provider-definition.js";

export const openai: StringProviderDefinition<"openai"> = {
  id: "openai",
  label: "OpenAI",
  valueKind: "string",
  formatHint: 'starts with "sk-" (e.g. sk-proj-…, sk-svcacct-…)',
  // Only `sk-`, also in the mask: `sk-proj-…` keys carry project ids after it, not ours to reveal.
  keyShape: { kind: "prefixed", prefix: "sk-", bodyLength: null },
  keyPageUrl: "https://platform.openai.com/api-keys",
  envVars: ["OPENAI_API_KEY"],
  baseUrlEnvVar: "KEYHAVEN_OPENAI_BASE_URL",
  defaultBaseUrl: "https://api.openai.com/v1",
  configFields: [],
  configSchema: () => emptyConfigSchema,
  authHeaders: (value) => ({ Authorization: `Bearer ${value}` }),
  keyTest: { kind: "get", path: "/models" },
  gateway: { path: "openai/v1", format: "openai" },
};
