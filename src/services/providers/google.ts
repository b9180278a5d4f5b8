import { emptyConfigSchema, type StringProviderDefinition } from "../provider-definition.js";

export const google: StringProviderDefinition<"google"> = {
  id: "google",
  label: "Google AI",
  valueKind: "string",
  formatHint: '39 characters starting with "AIza"',
  keyShape: { kind: "prefixed", prefix: "AIza", bodyLength: 35 },
  keyPageUrl: "https://aistudio.google.com/app/apikey",
  envVars: ["GOOGLE_GENERATIVE_AI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY"],
  baseUrlEnvVar: "KEYHAVEN_GOOGLE_BASE_URL",
  defaultBaseUrl: "https://generativelanguage.googleapis.com/v1beta",
  configFields: [],
  configSchema: () => emptyConfigSchema,
  // In a header, never `?key=` in the URL, where proxies and logs would keep it.
  authHeaders: (value) => ({ "x-goog-api-key": value }),
  keyTest: { kind: "get", path: "/models" },
  gateway: { path: "google/v1beta", format: "gemini" },
  // A wrong key is a 400 "API key not valid" with reason API_KEY_INVALID, not a 401.
  keyRejectedText: /API_KEY_INVALID|api[ _-]?key (?:is )?(?:not valid|invalid|incorrect)/i,
};
