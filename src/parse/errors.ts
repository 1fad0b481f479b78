/** A body that is not a feed or page we can read: `parse-error`, or `empty` when it holds no entries. */
export class ParseError extends Error {
  readonly reason: 'parse-error' | 'empty';

  constructor(reason: 'parse-error' | 'empty', message: string, opts: { cause?: unknown } = {}) {
    super(`parse: ${message}`, { cause: opts.cause });
    this.name = 'ParseError';
    this.reason = reason;
  }
}
