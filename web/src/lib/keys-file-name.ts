/**
 * The name an exported keys file is saved under: whose keys and the day, so several exports sort
 * by date and never overwrite each other's meaning. `.khbk` is the backup format's extension.
 */
import { isoToDateInput } from "./format-date";

export function keysFileName(now: Date, team?: { slug: string }): string {
  const day = isoToDateInput(now.toISOString());
  const owner = team ? `team-${team.slug.replace(/[^a-z0-9-]+/gi, "-").toLowerCase()}` : "my";
  return `keyhaven-${owner}-keys-${day}.khbk`;
}
