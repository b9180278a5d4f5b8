/**
 * Reading the server's service catalog (GET /api/services). Labels, hints and key pages are
 * never copied into the web app: until the catalog arrives a key shows its service id.
 */
import type { ServiceInfo } from "../keyhaven";

/** A service's label from the catalog; the id itself while the catalog is loading. */
export function serviceLabel(services: readonly ServiceInfo[] | undefined, id: string): string {
  return services?.find((s) => s.id === id)?.label ?? id;
}

/** "OpenAI, Anthropic or AWS". */
export function joinOr(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

/** Hints are written lowercase to follow a label ("OpenAI: starts with …"); capitalised when alone. */
export function sentence(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}
