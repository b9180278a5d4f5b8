/** Shapes spoken by the Keyhaven API, as seen from a browser: all inferred from the zod schemas in src/shared. */
export type {
  ApiKey,
  ApiKeyList,
  ApiKeyWithValue,
  AwsValue,
  /** A setting a service keeps in `config` (aws: region; custom: baseUrl, headerName, headerPrefix). */
  ConfigFieldInfo as ServiceConfigField,
  CreateKeyBody,
  ErrorBody,
  KeyStats,
  /** One entry of `GET /api/services`. */
  PublicService as ServiceInfo,
  ServiceIdValue as ServiceId,
  TestKeyBody,
  TestResult,
  UpdateKeyBody,
  /** One value of a key (`GET /api/api-keys/:id/versions`), masked. */
  KeyVersion,
  KeyVersionList,
  RotateKeyBody,
  CreateTokenBody,
  CreatedToken,
  TokenInfo,
  TokenScope,
} from "../shared/api-schemas.js";

/** `GET /api/auth/get-session` (`null` when signed out) and its user. */
export type { Session, SessionUser } from "../shared/session.js";
