/**
 * What the UI knows about each service before `/api/services` answers (labels, hints, where keys
 * are made). The server's catalog wins when it loads; this keeps the page useful meanwhile.
 */
import type { ServiceId, ServiceInfo } from "../keyhaven";
import type { KeyShape } from "../../../src/shared/key-shapes";

export interface ServiceMeta {
  id: ServiceId;
  label: string;
  valueKind: "string" | "aws";
  formatHint: string;
  keyPageUrl: string | null;
  keyShape: KeyShape;
}

export const SERVICE_IDS = ["openai", "anthropic", "google", "groq", "xai", "aws", "custom"] as const satisfies readonly ServiceId[];

export const FALLBACK_SERVICES: Record<ServiceId, ServiceMeta> = {
  openai: { id: "openai", label: "OpenAI", valueKind: "string", formatHint: 'starts with "sk-" (e.g. sk-proj-…, sk-svcacct-…)', keyPageUrl: "https://platform.openai.com/api-keys", keyShape: { kind: "prefixed", prefix: "sk-", bodyLength: null } },
  anthropic: { id: "anthropic", label: "Anthropic", valueKind: "string", formatHint: 'starts with "sk-ant-" (e.g. sk-ant-api03-…)', keyPageUrl: "https://console.anthropic.com/settings/keys", keyShape: { kind: "prefixed", prefix: "sk-ant-", bodyLength: null } },
  google: { id: "google", label: "Google AI", valueKind: "string", formatHint: '39 characters starting with "AIza"', keyPageUrl: "https://aistudio.google.com/app/apikey", keyShape: { kind: "prefixed", prefix: "AIza", bodyLength: 35 } },
  groq: { id: "groq", label: "Groq", valueKind: "string", formatHint: 'starts with "gsk_"', keyPageUrl: "https://console.groq.com/keys", keyShape: { kind: "prefixed", prefix: "gsk_", bodyLength: null } },
  xai: { id: "xai", label: "xAI", valueKind: "string", formatHint: 'starts with "xai-"', keyPageUrl: "https://console.x.ai", keyShape: { kind: "prefixed", prefix: "xai-", bodyLength: null } },
  aws: {
    id: "aws",
    label: "AWS",
    valueKind: "aws",
    formatHint: 'access key ID ("AKIA" or "ASIA" + 16 characters) and 40-character secret access key; temporary "ASIA" keys also need a session token',
    keyPageUrl: "https://console.aws.amazon.com/iam/home#/security_credentials",
    keyShape: { kind: "aws", accessKeyIdPrefixes: ["AKIA", "ASIA"] },
  },
  custom: { id: "custom", label: "Custom endpoint", valueKind: "string", formatHint: "any non-empty value, sent in the configured header", keyPageUrl: null, keyShape: { kind: "any" } },
};

/** The server's catalog merged over the fallback, in the fallback's order. */
export function mergeCatalog(remote: ServiceInfo[] | undefined): ServiceMeta[] {
  const byId = new Map((remote ?? []).map((s) => [s.id, s]));
  return SERVICE_IDS.map((id) => {
    const base = FALLBACK_SERVICES[id];
    const r = byId.get(id);
    if (!r) return base;
    return {
      id,
      label: r.label || base.label,
      valueKind: r.valueKind ?? base.valueKind,
      formatHint: r.formatHint || base.formatHint,
      keyPageUrl: r.keyPageUrl === undefined ? base.keyPageUrl : r.keyPageUrl,
      keyShape: r.keyShape ?? base.keyShape,
    };
  });
}

/** Hints are written lowercase to follow a label ("OpenAI: starts with …"); capitalised when alone. */
export function sentence(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

export function serviceLabel(id: string): string {
  return (FALLBACK_SERVICES as Record<string, ServiceMeta | undefined>)[id]?.label ?? id;
}
