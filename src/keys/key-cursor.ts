/**
 * The opaque `cursor` of GET /api/api-keys: the last row's place in the list order (service,
 * created_at, id), bound to the owner and the service filter it was made for, so a cursor from
 * another user or another filter is refused instead of silently continuing a different list.
 * Not secret and not signed: forging one only moves within the caller's own keys.
 */
import type { OwnerRef } from "../access/owner.js";
import type { ListPosition } from "./key-store.js";

const VERSION = 1;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

const ownerKey = (owner: OwnerRef) => `${owner.type}:${owner.id}`;

export function encodeCursor(owner: OwnerRef, filter: string | undefined, last: ListPosition): string {
  const payload = [VERSION, ownerKey(owner), filter ?? "", last.service, last.created_at, last.id];
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

/** The position a cursor stands for, or undefined when it is malformed or made for another list. */
export function decodeCursor(cursor: string, owner: OwnerRef, filter: string | undefined): ListPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (!Array.isArray(payload) || payload.length !== 6) return undefined;
  const [version, who, forFilter, service, createdAt, id] = payload as unknown[];
  if (version !== VERSION || who !== ownerKey(owner) || forFilter !== (filter ?? "")) return undefined;
  if (typeof service !== "string" || typeof createdAt !== "string" || typeof id !== "string") return undefined;
  if (!ISO.test(createdAt) || id.length === 0 || id.length > 64) return undefined;
  if (filter !== undefined && service !== filter) return undefined;
  return { service, created_at: createdAt, id };
}
