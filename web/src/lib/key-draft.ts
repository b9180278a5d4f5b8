/** The add/edit form's state and how it becomes a request body. Pure, so it is tested without a DOM. */
import type { ApiKey, CreateKeyBody, ServiceId, TestKeyBody, UpdateKeyBody } from "../keyhaven";
import { checkBaseUrl, checkKeyFormat, type FormatFeedback, type ShapedService } from "./key-format";
import { dateInputToIso, isoToDateInput, todayDateInput } from "./format-date";
import { DEFAULT_AWS_REGION, DEFAULT_CUSTOM_HEADER_NAME, DEFAULT_CUSTOM_HEADER_PREFIX } from "../../../src/shared/service-defaults";

export interface KeyDraftState {
  name: string;
  service: ServiceId;
  value: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  region: string;
  baseUrl: string;
  headerName: string;
  headerPrefix: string;
  description: string;
  expiration: string;
}

export type DraftErrors = Partial<Record<keyof KeyDraftState, string>>;

export function emptyDraft(service: ServiceId = "openai"): KeyDraftState {
  return {
    name: "",
    service,
    value: "",
    accessKeyId: "",
    secretAccessKey: "",
    sessionToken: "",
    region: DEFAULT_AWS_REGION,
    baseUrl: "",
    headerName: DEFAULT_CUSTOM_HEADER_NAME,
    headerPrefix: DEFAULT_CUSTOM_HEADER_PREFIX,
    description: "",
    expiration: "",
  };
}

const str = (v: unknown, fallback: string) => (typeof v === "string" ? v : fallback);

/** Edit starts from the saved key; the secret is never prefilled. */
export function draftFromKey(key: ApiKey): KeyDraftState {
  const base = emptyDraft(key.service);
  return {
    ...base,
    name: key.name,
    description: key.description ?? "",
    expiration: isoToDateInput(key.expiresAt),
    region: str(key.config.region, base.region),
    baseUrl: str(key.config.baseUrl, base.baseUrl),
    headerName: str(key.config.headerName, base.headerName),
    headerPrefix: str(key.config.headerPrefix, base.headerPrefix),
  };
}

/** True once the person typed any part of a new secret. */
export function hasValue(d: KeyDraftState): boolean {
  return d.service === "aws" ? Boolean(d.accessKeyId.trim() || d.secretAccessKey.trim() || d.sessionToken.trim()) : Boolean(d.value.trim());
}

export function draftValue(d: KeyDraftState): CreateKeyBody["value"] {
  if (d.service !== "aws") return d.value.trim();
  const token = d.sessionToken.trim();
  return { accessKeyId: d.accessKeyId.trim(), secretAccessKey: d.secretAccessKey.trim(), ...(token ? { sessionToken: token } : {}) };
}

export function draftConfig(d: KeyDraftState, previous: Record<string, unknown> = {}): Record<string, unknown> | undefined {
  if (d.service === "aws") return { ...previous, region: d.region.trim() || DEFAULT_AWS_REGION };
  if (d.service === "custom") {
    const headerName = d.headerName.trim();
    return { ...previous, baseUrl: d.baseUrl.trim(), ...(headerName ? { headerName } : {}), headerPrefix: d.headerPrefix };
  }
  return undefined;
}

/** `services` is the catalog, which says what each service's keys look like. */
export function formatFeedbackFor(d: KeyDraftState, services: readonly ShapedService[]): FormatFeedback {
  return checkKeyFormat(d.service, d, services);
}

/**
 * Blocks only what the server would certainly refuse for a missing field; a doubtful format
 * still goes to the server, whose answer is the authoritative one.
 */
export function validateDraft(d: KeyDraftState, mode: "create" | "edit", initial?: ApiKey, now = Date.now()): DraftErrors {
  const errors: DraftErrors = {};
  if (!d.name.trim()) errors.name = "Name is required";
  if (mode === "create" && !hasValue(d)) {
    if (d.service === "aws") {
      errors.accessKeyId = "Access key ID is required";
      errors.secretAccessKey = "Secret access key is required";
    } else errors.value = "API key is required";
  }
  if (d.service === "custom") {
    const url = checkBaseUrl(d.baseUrl);
    if (url.state === "error") errors.baseUrl = url.message;
  }
  const changedExpiry = !initial || d.expiration !== isoToDateInput(initial.expiresAt);
  if (d.expiration && changedExpiry && d.expiration < todayDateInput(now)) errors.expiration = "Pick today or a later date";
  return errors;
}

export function buildCreateBody(d: KeyDraftState): CreateKeyBody {
  const description = d.description.trim();
  const expiresAt = dateInputToIso(d.expiration);
  const config = draftConfig(d);
  return {
    name: d.name.trim(),
    service: d.service,
    value: draftValue(d),
    ...(description ? { description } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    ...(config ? { config } : {}),
  };
}

/** Only what changed; an empty secret keeps the stored one. */
export function buildUpdateBody(d: KeyDraftState, key: ApiKey): UpdateKeyBody {
  const body: UpdateKeyBody = {};
  const name = d.name.trim();
  if (name !== key.name) body.name = name;
  const description = d.description.trim() || null;
  if (description !== key.description) body.description = description;
  if (d.expiration !== isoToDateInput(key.expiresAt)) body.expiresAt = dateInputToIso(d.expiration);
  if (hasValue(d)) body.value = draftValue(d);
  const config = draftConfig(d, key.config);
  if (config && JSON.stringify(config) !== JSON.stringify(key.config)) body.config = config;
  return body;
}

/** What "Test" sends: the typed secret if there is one, else the saved key. */
export function buildTestBody(d: KeyDraftState, key?: ApiKey): TestKeyBody | null {
  if (hasValue(d)) {
    const config = draftConfig(d, key?.config);
    return { service: d.service, value: draftValue(d), ...(config ? { config } : {}) };
  }
  return key ? { keyId: key.id } : null;
}
