import { rotationState, type RotationState } from "../../../src/shared/rotation";
import type { ApiKey } from "../keyhaven";

export { ROTATION_DUE_SOON_DAYS, ROTATION_EVERY_DAYS_MAX, ROTATION_EVERY_DAYS_MIN } from "../../../src/shared/rotation";
export type { RotationState };

/** The badge a key's rotation gets: overdue, due within ROTATION_DUE_SOON_DAYS, or none. */
export function keyRotationState(key: Pick<ApiKey, "rotation">, now = Date.now()): RotationState {
  return rotationState(key.rotation, now);
}

/** Keys due (or overdue) for rotation, most overdue first: the "Rotation due" lists. */
export function keysDueForRotation<K extends Pick<ApiKey, "rotation">>(keys: K[], now = Date.now()): K[] {
  return keys
    .filter((k) => {
      const state = rotationState(k.rotation, now);
      return state === "due" || state === "overdue";
    })
    .sort((a, b) => Date.parse(a.rotation.dueAt!) - Date.parse(b.rotation.dueAt!));
}

/** Services whose provider lets Keyhaven create keys, so a key can be rotated without pasting one. */
export const AUTOMATIC_ROTATION_SERVICES: ReadonlySet<string> = new Set(["aws"]);
