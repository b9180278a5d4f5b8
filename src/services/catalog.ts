import { z } from "zod";
import { AppError } from "../platform/errors.js";
import { DEFAULT_AWS_REGION, DEFAULT_CUSTOM_HEADER_NAME, DEFAULT_CUSTOM_HEADER_PREFIX } from "./service-config.js";
import { SERVICE_IDS, isServiceId, type ServiceId, type StringServiceId } from "../shared/service-ids.js";

/** One field a service's `config` takes, as shown by the web app's "Add API Key" dialog. */
export interface ConfigField {
  name: string;
  label: string;
  required: boolean;
  default: string | null;
  description: string;
}

/** The environment variables the provider falls back to for AWS, one per credential part. */
// A type, not an interface: Object.values() then knows its values are strings.
export type AwsEnvVars = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  region: string;
};

interface ServiceDefinitionBase {
  label: string;
  /** What a key looks like, in words, for the form and the docs. */
  formatHint: string;
  /** Where a user gets a key; null when there is no one place. */
  keyPageUrl: string | null;
  /** `KEYHAVEN_<SERVICE>_BASE_URL`, the operator's override; null when the user sets the URL. */
  baseUrlEnvVar: string | null;
  /** The provider's public API root; for aws a template with `{region}`. */
  defaultBaseUrl: string | null;
  configFields: readonly ConfigField[];
}

export interface StringServiceDefinition extends ServiceDefinitionBase {
  id: StringServiceId;
  valueKind: "string";
  /** Fallback variables, tried in order; empty when the environment cannot supply a key. */
  envVars: readonly string[];
}

export interface AwsServiceDefinition extends ServiceDefinitionBase {
  id: "aws";
  valueKind: "aws";
  envVars: AwsEnvVars;
}

export type ServiceDefinition = StringServiceDefinition | AwsServiceDefinition;

/** The definition type of one id: `getService("aws").envVars` is the AWS object, others a list. */
export type ServiceDefinitionFor<S extends ServiceId> = S extends "aws" ? AwsServiceDefinition : StringServiceDefinition;

const AWS_REGION_FIELD: ConfigField = {
  name: "region",
  label: "Region",
  required: false,
  default: DEFAULT_AWS_REGION,
  description: "AWS region such as us-east-1 or eu-central-2",
};

const CUSTOM_FIELDS: readonly ConfigField[] = [
  {
    name: "baseUrl",
    label: "Base URL",
    required: true,
    default: null,
    description: "API root of the endpoint, https (e.g. https://llm.example.com/v1); the key test calls {baseUrl}/models",
  },
  {
    name: "headerName",
    label: "Header name",
    required: false,
    default: DEFAULT_CUSTOM_HEADER_NAME,
    description: "HTTP header that carries the key",
  },
  {
    name: "headerPrefix",
    label: "Header prefix",
    required: false,
    default: DEFAULT_CUSTOM_HEADER_PREFIX,
    description: "Text put before the key in the header (empty for none)",
  },
];

const DEFINITIONS: { [S in ServiceId]: ServiceDefinitionFor<S> & { id: S } } = {
  openai: {
    id: "openai",
    label: "OpenAI",
    valueKind: "string",
    formatHint: 'starts with "sk-" (e.g. sk-proj-…, sk-svcacct-…)',
    keyPageUrl: "https://platform.openai.com/api-keys",
    envVars: ["OPENAI_API_KEY"],
    baseUrlEnvVar: "KEYHAVEN_OPENAI_BASE_URL",
    defaultBaseUrl: "https://api.openai.com/v1",
    configFields: [],
  },
  anthropic: {
    id: "anthropic",
    label: "Anthropic",
    valueKind: "string",
    formatHint: 'starts with "sk-ant-" (e.g. sk-ant-api03-…)',
    keyPageUrl: "https://console.anthropic.com/settings/keys",
    envVars: ["ANTHROPIC_API_KEY"],
    baseUrlEnvVar: "KEYHAVEN_ANTHROPIC_BASE_URL",
    defaultBaseUrl: "https://api.anthropic.com/v1",
    configFields: [],
  },
  google: {
    id: "google",
    label: "Google AI",
    valueKind: "string",
    formatHint: '39 characters starting with "AIza"',
    keyPageUrl: "https://aistudio.google.com/app/apikey",
    envVars: ["GOOGLE_GENERATIVE_AI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY"],
    baseUrlEnvVar: "KEYHAVEN_GOOGLE_BASE_URL",
    defaultBaseUrl: "https://generativelanguage.googleapis.com/v1beta",
    configFields: [],
  },
  groq: {
    id: "groq",
    label: "Groq",
    valueKind: "string",
    formatHint: 'starts with "gsk_"',
    keyPageUrl: "https://console.groq.com/keys",
    envVars: ["GROQ_API_KEY"],
    baseUrlEnvVar: "KEYHAVEN_GROQ_BASE_URL",
    defaultBaseUrl: "https://api.groq.com/openai/v1",
    configFields: [],
  },
  xai: {
    id: "xai",
    label: "xAI",
    valueKind: "string",
    formatHint: 'starts with "xai-"',
    keyPageUrl: "https://console.x.ai",
    envVars: ["XAI_API_KEY"],
    baseUrlEnvVar: "KEYHAVEN_XAI_BASE_URL",
    defaultBaseUrl: "https://api.x.ai/v1",
    configFields: [],
  },
  aws: {
    id: "aws",
    label: "AWS",
    valueKind: "aws",
    formatHint:
      'access key ID ("AKIA" or "ASIA" + 16 characters) and 40-character secret access key; temporary "ASIA" keys also need a session token',
    keyPageUrl: "https://console.aws.amazon.com/iam/home#/security_credentials",
    envVars: {
      accessKeyId: "AWS_ACCESS_KEY_ID",
      secretAccessKey: "AWS_SECRET_ACCESS_KEY",
      sessionToken: "AWS_SESSION_TOKEN",
      region: "AWS_REGION",
    },
    baseUrlEnvVar: "KEYHAVEN_AWS_BASE_URL",
    defaultBaseUrl: "https://sts.{region}.amazonaws.com",
    configFields: [AWS_REGION_FIELD],
  },
  custom: {
    id: "custom",
    label: "Custom endpoint",
    valueKind: "string",
    formatHint: "any non-empty value, sent in the configured header",
    keyPageUrl: null,
    envVars: [],
    baseUrlEnvVar: null,
    defaultBaseUrl: null,
    configFields: CUSTOM_FIELDS,
  },
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

deepFreeze(DEFINITIONS);

export function getService<S extends ServiceId>(id: S): ServiceDefinitionFor<S>;
export function getService(id: ServiceId): ServiceDefinition;
export function getService(id: ServiceId): ServiceDefinition {
  if (!isServiceId(id)) {
    throw new AppError("VALIDATION_ERROR", `Unknown service; expected one of: ${SERVICE_IDS.join(", ")}`, {
      details: [{ path: "service", message: `must be one of: ${SERVICE_IDS.join(", ")}` }],
    });
  }
  return DEFINITIONS[id];
}

export function listServices(): ServiceDefinition[] {
  return SERVICE_IDS.map((id) => DEFINITIONS[id]);
}

const configFieldSchema = z.object({
  name: z.string(),
  label: z.string(),
  required: z.boolean(),
  default: z.string().nullable(),
  description: z.string(),
});

/** One entry of `GET /api/services`. */
export const publicServiceSchema = z.object({
  id: z.enum(SERVICE_IDS),
  label: z.string(),
  valueKind: z.enum(["string", "aws"]),
  formatHint: z.string(),
  keyPageUrl: z.string().nullable(),
  envVars: z.union([
    z.array(z.string()),
    z.object({ accessKeyId: z.string(), secretAccessKey: z.string(), sessionToken: z.string(), region: z.string() }),
  ]),
  defaultBaseUrl: z.string().nullable(),
  configFields: z.array(configFieldSchema),
});

export type PublicService = z.infer<typeof publicServiceSchema>;

/** The catalog as plain, fresh JSON values (callers may mutate their copy). */
export function publicCatalog(): PublicService[] {
  return listServices().map((s) => ({
    id: s.id,
    label: s.label,
    valueKind: s.valueKind,
    formatHint: s.formatHint,
    keyPageUrl: s.keyPageUrl,
    envVars: s.valueKind === "aws" ? { ...s.envVars } : [...s.envVars],
    defaultBaseUrl: s.defaultBaseUrl,
    configFields: s.configFields.map((f) => ({ ...f })),
  }));
}
