export { createUsageRecorder, type KeyUse, type UsageRecorder, type UsageRecorderDeps } from "./usage-recorder.js";
export { getKeyStats, STATS_DAYS, EXPIRING_SOON_DAYS, type KeyStats, type ServiceStats } from "./stats.js";
