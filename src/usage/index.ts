export { createUsageRecorder, type KeyUse, type UsageRecorder, type UsageRecorderDeps } from "./usage-recorder.js";
export { createStatsReader, getKeyStats, type StatsReader, STATS_DAYS, EXPIRING_SOON_DAYS, type KeyStats, type ServiceStats } from "./stats.js";
