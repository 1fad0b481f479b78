// poll(): one source, fetched, decoded, parsed and normalized into Items. The same composition serves the
// worker and `signpost fetch`, so an admin checking a source sees exactly what the worker will.

import { decodeBody, FetchError, type Fetcher } from '../fetch/index.js';
import { toItems } from '../items/index.js';
import type { Item } from '../model/item.js';
import type { FailureReason, Validators } from '../model/source-health.js';
import type { Source } from '../model/watchbook.js';
import { parseBody, ParseError } from '../parse/index.js';

export interface PollOptions {
  fetcher: Fetcher;
  /** Validators from the last successful fetch, for a conditional GET. */
  validators?: Validators;
  allowPrivate?: boolean;
  timeoutMs?: number;
  now?: () => number;
}

export type PollResult =
  | { status: 'not-modified'; validators: Validators; warnings: string[] }
  | { status: 'ok'; items: Item[]; validators: Validators; warnings: string[]; skipped: number; url: string };

export async function pollSource(source: Source, opts: PollOptions): Promise<PollResult> {
  const now = opts.now ?? Date.now;
  const fetched = await opts.fetcher.fetch({
    url: source.url,
    ...(opts.validators && { validators: opts.validators }),
    ...(opts.allowPrivate !== undefined && { allowPrivate: opts.allowPrivate }),
    ...(opts.timeoutMs !== undefined && { timeoutMs: opts.timeoutMs }),
  });
  if (fetched.status === 'not-modified')
    return { status: 'not-modified', validators: fetched.validators, warnings: [] };
  const fetchedAt = new Date(now());
  const decoded = decodeBody(fetched.body, fetched.contentType);
  const parsed = await parseBody(decoded.text, {
    type: source.type,
    url: fetched.url,
    ...(source.select && { select: source.select }),
    now: fetchedAt.getTime(),
  });
  const batch = toItems(parsed.entries, source, fetchedAt);
  // Entries with a link and nothing to read make no item: a feed of only those is empty, not a success.
  if (batch.items.length === 0)
    throw new ParseError('empty', `none of the ${parsed.entries.length} entries has a title or text`);
  return {
    status: 'ok',
    items: batch.items,
    validators: fetched.validators,
    warnings: [...decoded.warnings, ...parsed.warnings],
    skipped: batch.skipped,
    url: fetched.url,
  };
}

export interface PollFailure {
  reason: FailureReason;
  message: string;
  retryAfterMs?: number;
}

/** The reason word, message and Retry-After of a failed poll, or undefined for an error that is not the source's. */
export function pollFailure(err: unknown): PollFailure | undefined {
  if (err instanceof FetchError)
    return {
      reason: err.reason,
      message: err.message,
      ...(err.retryAfterMs !== undefined && { retryAfterMs: err.retryAfterMs }),
    };
  if (err instanceof ParseError) return { reason: err.reason, message: err.message };
  return undefined;
}
