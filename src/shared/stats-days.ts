/**
 * How many days `usageByDay` of GET /api/api-keys/stats covers (ending today): the server
 * builds that many entries, the Usage page says "last N days". Imports nothing.
 */
export const STATS_DAYS = 30;
