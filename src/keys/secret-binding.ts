/**
 * What a stored secret is bound to (the AAD of its seal): the key's id, its owner and service,
 * the version and the config the value was sealed with. One place builds it from stored rows —
 * the key service, the verification after a rotation and the data-key rotation all open the
 * same rows, so they must agree on it exactly.
 */
import type { OwnerRef } from "../access/owner.js";
import type { SecretBinding } from "../crypto/secret-box.js";

/** A key's current value: its row's own id, service, version and config. */
export function currentBinding(owner: OwnerRef, row: { id: string; service: string; version: number | string; config: string }): SecretBinding {
  return { keyId: row.id, owner, service: row.service, version: Number(row.version), config: JSON.parse(row.config) as unknown };
}

/** A kept previous value: the key's id, owner and service, with the version's own number and config. */
export function versionBinding(
  key: { id: string; owner: OwnerRef; service: string },
  version: { version: number | string; config: string },
): SecretBinding {
  return { keyId: key.id, owner: key.owner, service: key.service, version: Number(version.version), config: JSON.parse(version.config) as unknown };
}
