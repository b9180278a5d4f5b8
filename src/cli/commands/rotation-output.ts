/** What the rotation commands share on a terminal: throttled progress, bounded failure lists. */

/** True at most once a second (the first call, and always when `force`), so a million rows do not flood a terminal. */
export function throttled(intervalMs = 1000): (force: boolean) => boolean {
  let last = 0;
  return (force) => {
    const t = Date.now();
    if (!force && t - last < intervalMs) return false;
    last = t;
    return true;
  };
}

const SHOWN = 20;

/** One stderr line per failure (ids only, never a value), the first 20 and a count of the rest. */
export function printFailures(items: string[], what: string): void {
  for (const item of items.slice(0, SHOWN)) process.stderr.write(`keyhaven: ${item} ${what}\n`);
  if (items.length > SHOWN) process.stderr.write(`keyhaven: … and ${items.length - SHOWN} more\n`);
}
