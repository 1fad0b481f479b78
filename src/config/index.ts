// Config: the watchbook read from YAML, checked with `file:line:col` problems, made the model, reloaded on change.
export { loadWatchbook, loadWatchbookOrThrow, DEFAULT_CONFIG, MAX_FILE_BYTES, type LoadResult } from './load.js';
export { ConfigError, formatProblem, type Problem } from './problem.js';
export { parseDuration, formatDuration } from './duration.js';
export { MAX_HALF_LIFE_MS } from './references.js';
export { WatchbookFileSchema } from './schema.js';
export { EVIDENCE_WORDS } from './weights.js';
export { didYouMean } from './suggest.js';
export { watchbookJsonSchema } from './json-schema.js';
export {
  LABEL_NAMES,
  ALERT_KINDS,
  labelValues,
  parseMatcher,
  formatMatcher,
  checkLabel,
  checkMatcher,
  matcherRegex,
  parseMatcherArgs,
  watchbookLabelValues,
  type LabelValues,
} from './labels.js';
export { watchWatchbook, watchbookFingerprint } from './reload.js';
