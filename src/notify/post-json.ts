// POST a JSON body to a webhook (Slack's or a generic one) with a timeout, and turn the answer into a
// NotifyError when it is not 2xx. The URL is a secret (its path or query is the credential), so messages
// name its host only.
import { deadline } from './deadline.js';
import { NotifyError, classifyError, httpError, inContext } from './errors.js';
import { oneLine } from './text.js';

export interface PostOptions {
  /** The whole request, headers and body. */
  timeoutMs: number;
  /** Cancels the send (shutdown); reported as reason `aborted`. */
  signal?: AbortSignal;
  /** Clock for Retry-After dates and signature timestamps. */
  now?: () => number;
}

/** At most `max` bytes of a body, then the rest is dropped: enough for Slack's "invalid_payload". */
async function readStart(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max));
}

/** The URL to post to, or a permanent `config` failure: `channel` and `what` name it ("slack", "the webhook"). */
export function webhookUrl(raw: string, channel: string, what: string): URL {
  if (!raw.trim()) throw new NotifyError('config', `${channel}: ${what} is empty (is its \${ENV} variable set?)`);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch (cause) {
    throw new NotifyError('config', `${channel}: ${what} is not a URL`, { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new NotifyError('config', `${channel}: ${what} must be an http(s) URL, not ${url.protocol}`);
  return url;
}

/**
 * Posts `body` (JSON text) to `url`. Resolves once the server answered 2xx; otherwise throws a NotifyError:
 * 429 retryable with Retry-After, other 4xx (and redirects) permanent, 5xx and network errors retryable.
 */
export async function postJson(
  url: URL,
  channel: string,
  body: string,
  headers: Record<string, string>,
  opts: PostOptions,
): Promise<void> {
  const where = `${channel} via ${url.host}`;
  const limit = deadline(opts.timeoutMs, opts.signal);
  try {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body,
        // A webhook that redirects is stale; following it would POST the message somewhere else.
        redirect: 'manual',
        signal: limit.signal,
      });
    } catch (err) {
      if (limit.timedOut)
        throw new NotifyError('timeout', `${where}: no answer within ${opts.timeoutMs} ms`, { cause: err });
      if (opts.signal?.aborted) throw new NotifyError('aborted', `${where}: the send was cancelled`, { cause: err });
      throw inContext(classifyError(err), where);
    }
    if (res.ok) {
      // Accepted: the message is posted even if the rest of the answer never comes, so never retry now.
      await readStart(res, 1024).catch(() => undefined);
      return;
    }
    // The status decides; a body cut short (timeout, reset) only costs the detail.
    const detail = oneLine(await readStart(res, 1024).catch(() => ''), 200);
    const now = (opts.now ?? Date.now)();
    throw inContext(
      httpError(res.status, {
        host: url.host,
        statusText: res.statusText,
        retryAfter: res.headers.get('retry-after'),
        detail,
        now,
      }),
      channel,
    );
  } finally {
    limit.done();
  }
}
