// classifyError, httpError and parseRetryAfter as tables: what is retried, what stops at once, and why.
// The inputs are the shapes nodemailer, node:net and undici's fetch really throw (the email and Slack
// tests produce them from real servers).
import { describe, expect, it } from 'vitest';
import {
  NOTIFY_FAILURE_REASONS,
  NotifyError,
  classifyError,
  httpError,
  inContext,
  parseRetryAfter,
  type NotifyFailureReason,
} from '../../src/notify/errors.js';

const NOW = Date.UTC(2026, 0, 5, 12);

function err(message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), fields);
}
const fetchFailed = (cause: unknown): TypeError => new TypeError('fetch failed', { cause });
const domException = (name: string): DOMException => new DOMException('stopped', name);

describe('classifyError', () => {
  // [name, thrown, reason, permanent, smtpCode]
  // prettier-ignore
  const cases: [string, unknown, NotifyFailureReason, boolean, number?][] = [
    ['SMTP 550 to every RCPT', err("Can't send mail - all recipients were rejected: 550 no such user", { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', permanent: true }), 'invalid-recipient', true, 550],
    ['SMTP 553 to RCPT without nodemailer verdict', err('553 bad mailbox', { code: 'EENVELOPE', responseCode: 553, command: 'RCPT TO' }), 'invalid-recipient', true, 553],
    ['SMTP 451 to RCPT (greylisting)', err('451 try later', { code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO', permanent: false }), 'smtp-4xx', false, 451],
    ['SMTP 452 to RCPT (mailbox full for now)', err('452 full', { code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO' }), 'smtp-4xx', false, 452],
    ['SMTP 421 greeting', err('Invalid greeting. response=421 busy', { code: 'EPROTOCOL', responseCode: 421, command: 'CONN', permanent: false }), 'smtp-4xx', false, 421],
    ['SMTP 552 at DATA', err('Message failed: 552 too big', { code: 'EMESSAGE', responseCode: 552, command: 'DATA', permanent: true }), 'smtp-5xx', true, 552],
    ['SMTP 554 at MAIL FROM', err('554 sender refused', { code: 'EENVELOPE', responseCode: 554, command: 'MAIL FROM' }), 'smtp-5xx', true, 554],
    ['SMTP 503 bad sequence is worth a new session', err('503 bad sequence', { code: 'EPROTOCOL', responseCode: 503, command: 'DATA', permanent: false }), 'smtp-5xx', false, 503],
    ['SMTP 535 authentication refused', err('Invalid login: 535 auth failed', { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }), 'auth', true, 535],
    ['SMTP 454 temporary auth failure', err('454 try again', { code: 'EAUTH', responseCode: 454, command: 'AUTH PLAIN' }), 'auth', false, 454],
    ['no credentials', err('Missing credentials for "PLAIN"', { code: 'ENOAUTH' }), 'auth', true],
    ['no recipients', err('No recipients defined', { code: 'EENVELOPE' }), 'invalid-recipient', true],
    ['connection refused (nodemailer)', err('connect ECONNREFUSED 127.0.0.1:25', { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }), 'refused', false],
    ['connection closed (nodemailer)', err('Connection closed unexpectedly', { code: 'ECONNECTION' }), 'refused', false],
    ['greeting never received', err('Greeting never received', { code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' }), 'timeout', false],
    ['DNS (nodemailer)', err('getaddrinfo ENOTFOUND smtp.invalid', { code: 'EDNS', originalCode: 'ENOTFOUND' }), 'dns', false],
    ['TLS (nodemailer)', err('self-signed certificate', { code: 'ETLS', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'tls', false],
    ['bad configuration', err('Invalid configuration', { code: 'ECONFIG' }), 'config', true],
    ['too many recipients', err('Too many recipients', { code: 'EMAXRECIPIENTS' }), 'config', true],
    ['send aborted by our timeout', err('Message sending aborted', { name: 'AbortError', code: 'EABORT', cause: domException('TimeoutError') }), 'timeout', false],
    ['send aborted by the caller', err('Message sending aborted', { name: 'AbortError', code: 'EABORT', cause: domException('AbortError') }), 'aborted', false],
    ['fetch: connection refused', fetchFailed(err('connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED' })), 'refused', false],
    ['fetch: reset', fetchFailed(err('read ECONNRESET', { code: 'ECONNRESET' })), 'refused', false],
    ['fetch: other side closed', fetchFailed(err('other side closed', { code: 'UND_ERR_SOCKET' })), 'refused', false],
    ['fetch: DNS', fetchFailed(err('getaddrinfo ENOTFOUND hooks.slack.invalid', { code: 'ENOTFOUND' })), 'dns', false],
    ['fetch: connect timeout', fetchFailed(err('Connect Timeout Error', { code: 'UND_ERR_CONNECT_TIMEOUT' })), 'timeout', false],
    ['fetch: headers timeout', fetchFailed(err('Headers Timeout Error', { code: 'UND_ERR_HEADERS_TIMEOUT' })), 'timeout', false],
    ['fetch: TLS', fetchFailed(err('unable to verify the first certificate', { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })), 'tls', false],
    ['fetch: bad HTTP', fetchFailed(err('Parse Error: Invalid header value char', { code: 'HPE_INVALID_HEADER_TOKEN' })), 'protocol', false],
    ['AbortSignal.timeout', domException('TimeoutError'), 'timeout', false],
    ['AbortController.abort()', domException('AbortError'), 'aborted', false],
    ['something else', new Error('boom'), 'unknown', false],
    ['not even an Error', 'a string', 'unknown', false],
  ];
  it.each(cases)('%s', (_name, thrown, reason, permanent, smtpCode) => {
    const e = classifyError(thrown);
    expect(e).toBeInstanceOf(NotifyError);
    expect(NOTIFY_FAILURE_REASONS).toContain(e.reason);
    expect({ reason: e.reason, permanent: e.permanent, retryable: e.retryable, smtpCode: e.smtpCode }).toEqual({
      reason,
      permanent,
      retryable: !permanent,
      smtpCode,
    });
    expect(e.message).toMatch(/^notify: /);
    if (thrown instanceof Error) expect(e.cause).toBe(thrown);
  });

  it('passes a NotifyError through unchanged', () => {
    const e = new NotifyError('http-429', 'slow down', { retryAfterMs: 5000 });
    expect(classifyError(e)).toBe(e);
  });

  it('keeps credentials of a URL in the message out of its own', () => {
    const e = classifyError(
      err('connect failed for smtps://alerts:hunter2@mail.example.org', { code: 'ECONNREFUSED' }),
    );
    expect(e.message).not.toContain('hunter2');
    expect(e.message).toContain('smtps://***@mail.example.org');
  });
});

describe('httpError', () => {
  // [status, Retry-After, reason, permanent, retryAfterMs]
  const cases: [number, string | null, NotifyFailureReason, boolean, number | undefined][] = [
    [400, null, 'http-4xx', true, undefined],
    [403, null, 'http-4xx', true, undefined],
    [404, null, 'http-4xx', true, undefined],
    [410, null, 'http-4xx', true, undefined],
    [429, '30', 'http-429', false, 30_000],
    [429, 'Mon, 05 Jan 2026 12:01:00 GMT', 'http-429', false, 60_000],
    [429, 'Mon, 05 Jan 2026 11:00:00 GMT', 'http-429', false, 0],
    [429, 'soon', 'http-429', false, undefined],
    [429, null, 'http-429', false, undefined],
    [500, null, 'http-5xx', false, undefined],
    [502, null, 'http-5xx', false, undefined],
    [503, '120', 'http-5xx', false, 120_000],
    [301, null, 'http-3xx', true, undefined],
    [308, null, 'http-3xx', true, undefined],
  ];
  it.each(cases)('%i with Retry-After %j', (status, retryAfter, reason, permanent, retryAfterMs) => {
    const e = httpError(status, { host: 'hooks.slack.com', statusText: 'Status', retryAfter, now: NOW });
    expect({
      reason: e.reason,
      permanent: e.permanent,
      retryable: e.retryable,
      retryAfterMs: e.retryAfterMs,
      status: e.status,
    }).toEqual({ reason, permanent, retryable: !permanent, retryAfterMs, status });
    expect(e.message).toContain(`${status} Status`);
    expect(e.message).toContain('hooks.slack.com');
  });

  it('quotes the body Slack gave as the reason', () => {
    expect(httpError(400, { host: 'h', statusText: 'Bad Request', detail: 'invalid_payload' }).message).toBe(
      'notify: rejected for good: 400 Bad Request "invalid_payload" from h',
    );
  });
});

describe('parseRetryAfter', () => {
  const cases: [string | null | undefined, number | undefined][] = [
    ['0', 0],
    ['120', 120_000],
    [' 7 ', 7_000],
    ['-5', undefined],
    ['1.5', undefined],
    ['12', 12_000],
    ['Mon, 05 Jan 2026 12:00:30 GMT', 30_000],
    ['Monday, 05-Jan-26 12:00:30 GMT', 30_000],
    ['Sun, 04 Jan 2026 12:00:00 GMT', 0],
    ['garbage', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ];
  it.each(cases)('%j', (value, ms) => expect(parseRetryAfter(value, NOW)).toBe(ms));
});

describe('inContext', () => {
  it('puts where in front and keeps reason, verdict and advice', () => {
    const e = inContext(new NotifyError('http-429', 'rate limited', { retryAfterMs: 3000, status: 429 }), 'slack');
    expect(e).toMatchObject({
      message: 'notify: slack: rate limited',
      reason: 'http-429',
      permanent: false,
      retryAfterMs: 3000,
      status: 429,
    });
  });
});
