/** Shapes spoken by the Keyhaven API, as seen from a browser. Request/response types come from the zod schemas. */
export type {
  ApiKey,
  ApiKeyList,
  ApiKeyWithValue,
  AwsValue,
  CreateKeyBody,
  ErrorBody,
  KeyStats,
  ServiceIdValue as ServiceId,
  TestKeyBody,
  TestResult,
  UpdateKeyBody,
} from "../shared/api-schemas.js";

/** One entry of `GET /api/services`. */
export interface ServiceInfo {
  id: import("../shared/api-schemas.js").ServiceIdValue;
  label: string;
  valueKind: "string" | "aws";
  formatHint: string;
  keyPageUrl: string | null;
  /** Fallback variables in order; for aws one per credential part. */
  envVars: string[] | Record<string, string>;
  defaultBaseUrl: string | null;
  configFields: ServiceConfigField[];
  /** What the service's keys look like, as data, for feedback while a key is typed. */
  keyShape: import("../shared/key-shapes.js").KeyShape;
}

/** A setting a service keeps in `config` (aws: region; custom: baseUrl, headerName, headerPrefix). */
export interface ServiceConfigField {
  name: string;
  label: string;
  required: boolean;
  default: string | null;
  description: string;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

/** `GET /api/auth/get-session`; `null` when signed out. */
export interface Session {
  user: SessionUser;
  session: { id?: string; expiresAt?: string } & Record<string, unknown>;
}
