// Rules: the matcher (which rules an item matches, and why), the checks the loader runs on rules and cues, rule tests.
export { Matcher } from './match.js';
export { checkRule } from './compile.js';
export { checkCue } from './cues.js';
export { RuleError } from './errors.js';
export { compileSafeRegex } from './regex-check.js';
export { normalizeText } from './normalize.js';
export { tokenize } from './tokenize.js';
export type { ExprProblem } from './expr.js';
export { runRuleTests, favouredScenario, type TestReport, type TestResult } from './run-tests.js';
