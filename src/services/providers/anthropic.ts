import { emptyConfigSchema, type StringProviderDefinition } from "../provider-definition.js";

/** The API version every request names; the key test's answer does not depend on it. */
export const ANTHROPIC_VERSION = "2023-06-01";

export const anthropic: StringProviderDefinition<"anthropic"> = {
  id: "anthropic",
  label: "Anthropic",
  valueKind: "string",
  formatHint: 'starts with "sk-ant-" (e.g. sk-ant-api03-…)',
  keyShape: { kind: "prefixed", prefix: "sk-ant-", bodyLength: null },
  keyPageUrl: "https://console.anthropic.com/settings/keys",
  envVars: ["ANTHROPIC_API_KEY"],
  baseUrlEnvVar: "KEYHAVEN_ANTHROPIC_BASE_URL",
  defaultBaseUrl: "https://api.anthropic.com/v1",
  configFields: [],
  configSchema: () => emptyConfigSchema,
  authHeaders: (value) => ({ "x-api-key": value, "anthropic-version": ANTHROPIC_VERSION }),
  keyTest: { kind: "get", path: "/models" },
  gateway: { path: "anthropic/v1", format: "anthropic" },
};
