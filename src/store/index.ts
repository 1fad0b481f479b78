// Store: everything Signpost keeps between polls; RedisStore for the worker, MemoryStore for backtests.
export {
  COUNTED_TTL_MS,
  COUNTER,
  COUNTERS,
  countQuietly,
  type CounterSpec,
  HISTOGRAM,
  HISTOGRAMS,
  type HistogramSeries,
  type HistogramSpec,
  jobSeconds,
  observe,
  readHistogram,
} from './counters.js';
export { StoreError } from './errors.js';
export { compareCodePoints } from './order.js';
export {
  counterField,
  countedKey,
  DEFAULT_PREFIX,
  digestAlertsKey,
  type FeedbackKeys,
  feedbackKeys,
  hashTag,
  keyFamilies,
  keyList,
  normalizePrefix,
  parseCounterField,
  robotsKey,
  sendClaimKey,
  type StoreKeys,
  storeKeys,
} from './keys.js';
export { FeedbackStore, type FeedbackStoreOptions } from './feedback.js';
export { FLAG_BELOW, FLAG_MIN_JUDGED, flaggedRules, rulePrecision, type FlagOptions } from './feedback-precision.js';
export { RobotsShareStore } from './robots-share.js';
export { MemoryStore } from './memory-store.js';
export {
  LOG_LIMIT,
  LOG_READ_LIMIT,
  MemoryPictureLog,
  type PictureLog,
  type PictureLogEntry,
  type PictureLogRead,
  RedisPictureLog,
} from './picture-log.js';
export {
  DATED_AHEAD_MS,
  DEFAULT_ALERT_TTL_MS,
  DEFAULT_FINGERPRINT_LIMIT,
  DEFAULT_HISTORY_LIMIT,
  DEFAULT_SEEN_TTL_MS,
  DEFAULT_SENT_TTL_MS,
  type StoreOptions,
} from './options.js';
export type {
  AlertGroupRecord,
  AlertPrune,
  ClaimResult,
  CounterIncrement,
  CounterValue,
  DigestMark,
  GroupAlertRecord,
  SendLogRecord,
  SilenceRecord,
  StoppedAt,
} from './records.js';
export { RedisStore, type RedisStoreOptions } from './redis-store.js';
export type { CountOnce, FingerprintEntry, Store } from './store.js';
