/**
 * The seam between the key service and a provider that can mint new credentials itself (AWS
 * IAM). The key service owns the key (reads the current value, keeps the old one as a version,
 * audits); a rotator only talks to the provider and calls back at each step.
 */
import type { KeyValue } from "../services/provider-definition.js";

/** One audited step of an automatic rotation (`key.rotate` events carry it in `details.step`). */
export type RotationStepOutcome = "ok" | "failed";

export interface AutomaticRotationContext {
  keyId: string;
  service: string;
  /** The key's parsed config (for AWS: `{ region }`). */
  config: unknown;
  /** The value in use now; never logged, never in an audit row. */
  current: KeyValue;
  /**
   * Makes `next` the key's current value (the old one kept as a version). Called once, only after
   * the new value was checked against the provider; a throw means nothing was switched. It
   * records the `switch` step itself (with the versions, in the switch's transaction), so a
   * `step("switch", "ok")` after it adds no second event.
   */
  switchTo(next: KeyValue): Promise<void>;
  /** Records one step in the audit log; `details` never holds a secret. */
  step(name: string, outcome: RotationStepOutcome, details?: Record<string, string | number | boolean>): Promise<void>;
}

export interface AutomaticRotator {
  /** Whether keys of this service can be rotated without a person (a key-creation API exists). */
  supports(service: string): boolean;
  /**
   * Rotates one key. On failure throws an AppError whose message names the failed step; the
   * working key is then still the current value.
   */
  rotate(ctx: AutomaticRotationContext): Promise<void>;
}
