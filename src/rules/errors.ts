// The rule engine's error, for a rule that cannot be compiled.

/** A rule that cannot be compiled: the message says what was expected and what was written. */
export class RuleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`rules: ${message}`, options);
    this.name = 'RuleError';
  }
}
