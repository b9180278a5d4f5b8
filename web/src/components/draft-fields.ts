import type { DraftErrors, KeyDraftState } from "../lib/key-draft";

/** The draft's free-text fields (the service is picked from a list). */
type TextKey = Exclude<keyof KeyDraftState, "service">;

/**
 * Binds a TextField to one draft field: its id (`${uid}-${name}`, which the form focuses on an
 * error), value, error and change handler.
 */
export function draftFieldBinder(uid: string, draft: KeyDraftState, errors: DraftErrors, onChange: (patch: Partial<KeyDraftState>) => void) {
  return (name: TextKey) => ({
    id: `${uid}-${name}`,
    value: draft[name],
    error: errors[name],
    onValueChange: (value: string) => onChange({ [name]: value }),
  });
}

/** For identifiers, URLs and regions typed by hand: no browser autofill, no spelling marks. */
export const VERBATIM = { autoComplete: "off", spellCheck: false } as const;
