// Alerts: made from evidence, scenario crossings, indicator changes and source health; routed through the
// Alertmanager-style tree; muted by silences; grouped, with the pure "send now?" decision. No I/O here:
// delivery and the send-log live in notify/ and the store.
export {
  matchAlerts,
  scenarioAlert,
  scenarioAlertId,
  indicatorAlert,
  sourceHealthAlert,
  type Probabilities,
  type SourceHealthOptions,
} from './make.js';
export {
  routeAlert,
  describeRoutes,
  matchesLabels,
  matchesMatchers,
  showRoutes,
  parseLabelArgs,
  DEFAULT_GROUP_WAIT_MS,
  DEFAULT_GROUP_INTERVAL_MS,
  DEFAULT_REPEAT_INTERVAL_MS,
  GROUP_BY_ALL,
  type MatchedRoute,
  type RouteTimers,
} from './route.js';
export {
  isSilenced,
  silenceMatchesFilters,
  silenceState,
  silenceId,
  validateSilence,
  makeSilence,
  type RuntimeSilence,
  type SilenceInput,
  type SilenceState,
  type MakeSilenceResult,
} from './silence.js';
export {
  groupKey,
  groupLabels,
  updateGroup,
  resolveInGroup,
  resolveStale,
  decide,
  type AlertGroup,
  type GroupAlert,
  type SendLog,
  type Decision,
  type DecisionReason,
} from './group.js';
export { cronDueBetween } from './cron-due.js';
export { inhibitedBy, mayBeInhibited } from './inhibit.js';
export { insideTimeInterval, routeMuted, wallClock } from './time-interval.js';
export {
  parseAlertId,
  firesUntilCleared,
  clearedByScenario,
  clearedByIndicator,
  clearedBySource,
  clearedByAny,
  type AlertIdParts,
  type Cleared,
} from './clear.js';
