/**
 * What an access token may be called and allowed to do: the API's schemas check against these,
 * the web form offers them. Imports nothing, so the browser bundle can use them without zod.
 *
 * `keys:read` list and read metadata; `keys:write` create, update, delete, test; `keys:reveal`
 * read a value (`includeValue`); `resolve` hand a key out over HTTP; `audit:read` read the audit log.
 */
export const TOKEN_SCOPES = ["keys:read", "keys:write", "keys:reveal", "resolve", "audit:read"] as const;
export const TOKEN_NAME_MAX = 100;
