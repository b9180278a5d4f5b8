/** The day key of usage_daily: the UTC date as YYYY-MM-DD. Written by the recorder, read by stats. */
export const DAY_MS = 86_400_000;

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
