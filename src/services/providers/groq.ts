import { emptyConfigSchema, type StringProviderDefinition } from "../provider-definition.js";

export const groq: StringProviderDefinition<"groq"> = {
  id: "groq",
  label: "Groq",
  valueKind: "string",
  formatHint: 'starts with "gsk_"',
  keyShape: { kind: "prefixed", prefix: "gsk_", bodyLength: null },
  keyPageUrl: "https://console.groq.com/keys",
  envVars: ["GROQ_API_KEY"],
  baseUrlEnvVar: "KEYHAVEN_GROQ_BASE_URL",
  defaultBaseUrl: "https://api.groq.com/openai/v1",
  configFields: [],
  configSchema: () => emptyConfigSchema,
  authHeaders: (value) => ({ Authorization: `Bearer ${value}` }),
  keyTest: { kind: "get", path: "/models" },
  gateway: { path: "groq/openai/v1", format: "openai" },
};
