// Scoring: evidence to scenario log-odds and probabilities, indicator status, scenario alert hysteresis.
export { assignCluster, ClusterIndex, fingerprintDistance } from './cluster.js';
export { EventLedger } from './ledger.js';
export { EVENT_WINDOW_MS, groupEvents, leanOf, reportsOf, strongestOf } from './events.js';
export { corroboration, credibilityOf, decay } from './factors.js';
export { scenarioAlertState, type ScenarioAlertStep, type ScenarioAlertTransition } from './hysteresis.js';
export { scoreScenarios, softmax, type ScoreOptions } from './score.js';
export { indicatorStatus } from './status.js';
