// Delivery failures and whether a retry can help. This is where retryable vs permanent is decided
// (STYLE.md): HTTP 4xx other than 429 and SMTP 5xx stop at once; 429, 5xx, SMTP 4xx, timeouts and network
// errors are retried, with the server's Retry-After when it gave one.

/** Why a send failed: a closed set, reused as metric labels. */
export const NOTIFY_FAILURE_REASONS = [
  'timeout', // our send timeout, or a server that stopped answering
  'aborted', // the caller cancelled (shutdown)
  'refused', // connection refused, reset or unreachable
  'dns',
  'tls',
  'protocol', // the peer does not speak SMTP or HTTP as expected
  'http-3xx', // a webhook that redirects: the URL is stale
  'http-4xx',
  'http-429',
  'http-5xx',
  'smtp-4xx',
  'smtp-5xx',
  'invalid-recipient', // every recipient refused for good, or no usable recipient
  'auth', // SMTP credentials missing or refused
  'config', // SMTP_URL or webhook unusable
  'unknown',
] as const;

export type NotifyFailureReason = (typeof NOTIFY_FAILURE_REASONS)[number];

/** Reasons that a retry cannot fix unless the server said otherwise (e.g. SMTP 4xx during AUTH). */
const PERMANENT_BY_DEFAULT = new Set<NotifyFailureReason>([
  'http-3xx',
  'http-4xx',
  'smtp-5xx',
  'invalid-recipient',
  'auth',
  'config',
]);

export interface NotifyErrorOptions {
  permanent?: boolean;
  retryAfterMs?: number;
  /** HTTP status from the webhook. */
  status?: number;
  /** SMTP reply code. */
  smtpCode?: number;
  cause?: unknown;
}

/**
 * A send that failed. `permanent` stops retries at once (the job should fail without further attempts);
 * `retryable` is its negation; `retryAfterMs` is the server's own advice on when to come back.
 */
export class NotifyError extends Error {
  readonly reason: NotifyFailureReason;
  readonly permanent: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly smtpCode: number | undefined;

  constructor(reason: NotifyFailureReason, message: string, opts: NotifyErrorOptions = {}) {
    super(`notify: ${message}`, { cause: opts.cause });
    this.name = 'NotifyError';
    this.reason = reason;
    this.permanent = opts.permanent ?? PERMANENT_BY_DEFAULT.has(reason);
    this.retryAfterMs = opts.retryAfterMs;
    this.status = opts.status;
    this.smtpCode = opts.smtpCode;
  }

  get retryable(): boolean {
    return !this.permanent;
  }
}

/**
 * Retry-After (RFC 9110 §10.2.3): seconds or an HTTP date, in milliseconds from `now`; undefined when absent
 * or unusable (negative, garbage, a bare number read as a year). A date in the past means "now": 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The error for a webhook's non-2xx answer; `detail` is the start of its body ("invalid_payload"). */
export function httpError(
  status: number,
  opts: { host: string; statusText?: string; retryAfter?: string | null; detail?: string; now?: number },
): NotifyError {
  const retryAfterMs = parseRetryAfter(opts.retryAfter, opts.now ?? Date.now());
  const said = [opts.statusText, opts.detail && opts.detail !== opts.statusText ? `"${opts.detail}"` : '']
    .filter(Boolean)
    .join(' ');
  const what = `${status}${said ? ` ${said}` : ''} from ${opts.host}`;
  const base = { status, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  if (status === 429)
    return new NotifyError(
      'http-429',
      `rate limited: ${what}${retryAfterMs !== undefined ? `, retry after ${Math.ceil(retryAfterMs / 1000)}s` : ''}`,
      base,
    );
  if (status >= 500) return new NotifyError('http-5xx', `server error: ${what}`, base);
  if (status >= 400) return new NotifyError('http-4xx', `rejected for good: ${what}`, base);
  if (status >= 300) return new NotifyError('http-3xx', `the webhook redirects (${what}); update its URL`, base);
  return new NotifyError('protocol', `unexpected answer ${what}`, base);
}

type ErrorLike = {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  responseCode?: unknown;
  permanent?: unknown;
  command?: unknown;
  originalCode?: unknown;
  library?: unknown;
};

const asObject = (err: unknown): ErrorLike => (typeof err === 'object' && err !== null ? err : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const DNS_CODES = new Set([
  'EDNS',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'ENODATA',
  'ESERVFAIL',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const REFUSED_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'ECONNECTION',
  'ESOCKET',
]);
const CONFIG_CODES = new Set(['ECONFIG', 'EMAXRECIPIENTS', 'EREQUIRETLS', 'ERR_INVALID_URL', 'ERR_ACCESS_DENIED']);
const isTls = (code: string, e: ErrorLike): boolean =>
  code === 'ETLS' ||
  code === 'EPROTO' ||
  e.library === 'SSL routines' ||
  /^ERR_(TLS|SSL)_/.test(code) ||
  /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/.test(code);

/** The first line of an error's message, without anything that looks like credentials in a URL. */
function detailOf(e: ErrorLike, err: unknown): string {
  const message = str(e.message) || String(err);
  return (message.split('\n')[0] ?? '')
    .replace(/\/\/[^/@\s]*@/g, '//***@')
    .trim()
    .slice(0, 300);
}

/** An SMTP reply code: 5xx is permanent except 503 (bad sequence: a new session can succeed), RFC 5321 §4.2.1. */
function smtpError(code: number, e: ErrorLike, detail: string, err: unknown): NotifyError {
  const permanent = typeof e.permanent === 'boolean' ? e.permanent : code >= 500 && code !== 503;
  const command = str(e.command);
  const opts = { permanent, smtpCode: code, cause: err };
  if (str(e.code) === 'EAUTH') return new NotifyError('auth', `SMTP authentication failed (${code}): ${detail}`, opts);
  if (command.startsWith('RCPT') && permanent)
    return new NotifyError('invalid-recipient', `every recipient was refused (${code}): ${detail}`, opts);
  const at = command ? ` at ${command}` : '';
  return new NotifyError(code >= 500 ? 'smtp-5xx' : 'smtp-4xx', `SMTP server answered ${code}${at}: ${detail}`, opts);
}

/**
 * A NotifyError for anything a send threw: nodemailer errors (SMTP reply codes, EENVELOPE, EAUTH, ESOCKET),
 * Node and undici network errors (possibly as `cause` of fetch's "fetch failed"), and abort reasons
 * (TimeoutError: our timeout; AbortError: the caller). NotifyErrors pass through; anything unknown is
 * retryable, since a retry that fails again costs less than a notification lost.
 */
export function classifyError(err: unknown): NotifyError {
  if (err instanceof NotifyError) return err;
  const e = asObject(err);
  const cause = asObject(e.cause);
  const name = str(e.name);
  // fetch() wraps the network error: "TypeError: fetch failed" with the socket error as cause.
  const code = str(e.originalCode) || (name === 'TypeError' && str(cause.code) ? str(cause.code) : str(e.code));
  const detail = detailOf(name === 'TypeError' && e.cause ? cause : e, err);
  const opts = { cause: err };

  if (name === 'TimeoutError' || (code === 'EABORT' && str(cause.name) === 'TimeoutError'))
    return new NotifyError('timeout', 'the send timed out', opts);
  if (name === 'AbortError' || code === 'EABORT') return new NotifyError('aborted', 'the send was cancelled', opts);
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) return smtpError(e.responseCode, e, detail, err);
  if (str(e.code) === 'EENVELOPE') return new NotifyError('invalid-recipient', `no usable recipient: ${detail}`, opts);
  if (str(e.code) === 'EAUTH' || str(e.code) === 'ENOAUTH' || str(e.code) === 'EOAUTH2')
    return new NotifyError('auth', `SMTP authentication failed: ${detail}`, opts);
  // nodemailer's own code (ESOCKET, ETLS...) and the socket's (ECONNREFUSED...) both count.
  const own = str(e.code);
  const is = (set: Set<string>): boolean => set.has(code) || set.has(own);
  if (is(CONFIG_CODES)) return new NotifyError('config', `cannot send as configured (${code}): ${detail}`, opts);
  if (is(DNS_CODES)) return new NotifyError('dns', `cannot resolve the server (${code}): ${detail}`, opts);
  if (is(TIMEOUT_CODES)) return new NotifyError('timeout', `the server stopped answering (${code}): ${detail}`, opts);
  if (isTls(code, e) || isTls(own, e)) return new NotifyError('tls', `TLS failed (${code || 'TLS'}): ${detail}`, opts);
  if (is(REFUSED_CODES)) return new NotifyError('refused', `connection failed (${code}): ${detail}`, opts);
  if (code === 'EPROTOCOL' || code.startsWith('HPE_') || code.startsWith('UND_ERR'))
    return new NotifyError('protocol', `unexpected answer (${code}): ${detail}`, opts);
  return new NotifyError('unknown', `send failed${code ? ` (${code})` : ''}: ${detail}`, opts);
}

/** The same failure with where it happened in front ("email via smtp.example.org: ..."); the rest is kept. */
export function inContext(err: NotifyError, where: string): NotifyError {
  const message = err.message.replace(/^notify: /, '');
  return new NotifyError(err.reason, `${where}: ${message}`, {
    permanent: err.permanent,
    ...(err.retryAfterMs !== undefined && { retryAfterMs: err.retryAfterMs }),
    ...(err.status !== undefined && { status: err.status }),
    ...(err.smtpCode !== undefined && { smtpCode: err.smtpCode }),
    cause: err.cause,
  });
}
