/**
 * A new team's slug, made from its name: better-auth wants a unique one, and people should not
 * have to invent it. Lowercase ASCII words joined by dashes, then a short random suffix so two
 * teams called "Platform" never collide.
 */
const BASE_MAX = 40;
const SUFFIX_LENGTH = 4;
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** `SUFFIX_LENGTH` random lowercase letters and digits. */
export function randomSlugSuffix(random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  return Array.from(random(SUFFIX_LENGTH), (b) => ALPHABET[b % ALPHABET.length]).join("");
}

/** "Café Platform!" → "cafe-platform"; "team" when nothing usable is left. */
export function slugBase(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // accents off their letters
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, BASE_MAX)
    .replace(/^-+|-+$/g, "");
  return base || "team";
}

export function teamSlug(name: string, suffix = randomSlugSuffix()): string {
  return `${slugBase(name)}-${suffix}`;
}
