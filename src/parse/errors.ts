// The parse stage's error (parse-error, or empty), and the warning for entries skipped because reading them threw.
/** A body that is not a feed or page we can read: `parse-error`, or `empty` when it holds no entries. */
export class ParseError extends Error {
  readonly reason: 'parse-error' | 'empty';

  constructor(reason: 'parse-error' | 'empty', message: string, opts: { cause?: unknown } = {}) {
    super(`parse: ${message}`, { cause: opts.cause });
    this.name = 'ParseError';
    this.reason = reason;
  }
}

/** The warning for entries skipped because reading them threw: how many, and the first reason. */
export function skippedWarning(errors: unknown[]): string {
  const first = errors[0];
  const reason = (first instanceof Error ? `${first.name}: ${first.message}` : String(first)).split('\n')[0]!;
  return `parse: skipped ${errors.length} entr${errors.length === 1 ? 'y' : 'ies'} that could not be read (e.g. ${reason})`;
}
