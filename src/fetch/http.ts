// One guarded HTTP GET: redirects by hand (so every hop is checked), a connect and a total timeout, a
// decoded-size cap, conditional GET, and every failure turned into a FetchError. Built on node:http and
// node:https rather than fetch(): undici's fetch follows redirects and resolves DNS out of our reach, and
// the SSRF guard has to see the address actually connected to.
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Validators } from '../model/source-health.js';
import { checkAddress, type AddressPolicy } from './address-guard.js';
import { ACCEPT_ENCODING, readBody } from './body.js';
import { toFetchError } from './classify-error.js';
import { FetchError } from './errors.js';
import { guardedLookup, type Resolver } from './guarded-lookup.js';
import { parseRetryAfter } from './retry-after.js';

export interface HttpGetOptions {
  /** Which addresses may be connected to; `public` by default. */
  allow?: AddressPolicy;
  /** Whole request, all hops and the body included. */
  timeoutMs?: number;
  /** DNS, TCP and TLS handshake of each hop. */
  connectTimeoutMs?: number;
  /** Cap on the decoded body. */
  maxBytes?: number;
  maxRedirects?: number;
  validators?: Validators;
  userAgent?: string;
  accept?: string;
  /** CA certificates (PEM) to trust instead of Node's bundled roots: an intranet's own CA, or a test's. */
  ca?: string | Buffer;
  /** Lets the caller cancel (shutdown); ends like a timeout. */
  signal?: AbortSignal;
  /** The DNS resolver under the guard; tests replace it to play hostile DNS without a network. */
  resolver?: Resolver;
  now?: () => number;
}

export interface HttpResponse {
  /** The final URL, after redirects. */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** Decoded body; empty for 304. */
  body: Buffer;
  /** Validators to send next time: the response's own, or for a 304 the ones we sent where it gave none. */
  validators: Validators;
  notModified: boolean;
  /** URLs redirected from, in order. */
  redirects: string[];
  /** An https URL redirected to http: allowed (feeds do it) but worth telling on-call. */
  downgraded: boolean;
}

export const HTTP_DEFAULTS = {
  timeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  maxBytes: 10 * 1024 * 1024,
  // RFC 9110 §15.4 advises against loops; five is what browsers' older limits and RFC 9309 settle on.
  maxRedirects: 5,
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Hop {
  headers: OutgoingHttpHeaders;
  ca: string | Buffer | undefined;
  lookup: LookupFunction;
  signal: AbortSignal;
  connectTimeoutMs: number;
}

/** Sends one request and resolves with the response head; the body is left unread. */
function send(url: URL, hop: Hop): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    // agent: false gives each hop a fresh socket, so each connection goes through the guarded lookup.
    const options = {
      method: 'GET',
      headers: hop.headers,
      agent: false,
      lookup: hop.lookup,
      signal: hop.signal,
    } as const;
    const req = secure ? https.request(url, { ...options, ca: hop.ca }) : http.request(url, options);
    const connectTimer = setTimeout(() => {
      req.destroy(new FetchError('timeout', `connecting to ${url.host} took longer than ${hop.connectTimeoutMs} ms`));
    }, hop.connectTimeoutMs);
    req.once('socket', (socket) => socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer)));
    req.once('response', (res) => (clearTimeout(connectTimer), resolve(res)));
    // `on`, not `once`: a socket can still fail after the response head; that error surfaces through the
    // body stream, and a second 'error' without a listener would crash the process.
    req.on('error', (err) => (clearTimeout(connectTimer), reject(err)));
    req.end();
  });
}

/** Refuses schemes other than http(s) and IP-literal hosts outside the policy (these skip DNS lookup). */
function checkTarget(url: URL, allow: AddressPolicy): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('blocked-address', `refused to fetch ${url.href}: only http and https are allowed`, {
      permanent: true,
    });
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) checkAddress(host, allow);
}

function statusError(res: IncomingMessage, url: URL, now: number): FetchError {
  const status = res.statusCode ?? 0;
  const what = `${status} ${res.statusMessage ?? ''}`.trim();
  const retryAfterMs = status === 429 || status >= 500 ? parseRetryAfter(res.headers['retry-after'], now) : undefined;
  const wait = retryAfterMs === undefined ? '' : ` (Retry-After ${Math.round(retryAfterMs / 1000)} s)`;
  const message = `${what} for ${url.href}${wait}`;
  if (status >= 500) return new FetchError('http-5xx', message, { status, retryAfterMs });
  // 408 and 429 say "not now"; every other 4xx says "not like this" and will not fix itself.
  const permanent = status >= 400 && status !== 408 && status !== 429;
  if (status >= 400) return new FetchError('http-4xx', message, { status, retryAfterMs, permanent });
  // A 3xx without a Location (or a 1xx/other status Node passed up): nothing we can follow or read.
  return new FetchError('http-4xx', `${message}: no Location to follow`, { status });
}

function validatorsOf(headers: IncomingHttpHeaders): Validators {
  const v: Validators = {};
  if (headers.etag) v.etag = headers.etag;
  if (headers['last-modified']) v.lastModified = headers['last-modified'];
  return v;
}

function requestHeaders(opts: HttpGetOptions): OutgoingHttpHeaders {
  const h: OutgoingHttpHeaders = { accept: opts.accept ?? '*/*', 'accept-encoding': ACCEPT_ENCODING };
  if (opts.userAgent) h['user-agent'] = opts.userAgent;
  if (opts.validators?.etag) h['if-none-match'] = opts.validators.etag;
  if (opts.validators?.lastModified) h['if-modified-since'] = opts.validators.lastModified;
  return h;
}

/** GETs `input`, following at most `maxRedirects` redirects. Every failure is a FetchError with a cause. */
export async function httpGet(input: string | URL, opts: HttpGetOptions = {}): Promise<HttpResponse> {
  const { timeoutMs, connectTimeoutMs, maxBytes, maxRedirects } = { ...HTTP_DEFAULTS, ...definedOnly(opts) };
  const allow = opts.allow ?? 'public';
  const now = opts.now ?? Date.now;
  let url: URL;
  try {
    url = new URL(input);
  } catch (cause) {
    throw new FetchError('parse-error', `not a URL: ${String(input)}`, { permanent: true, cause });
  }

  const started = url.href;
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new FetchError('timeout', `${started} took longer than ${timeoutMs} ms`)),
    timeoutMs,
  );
  const signal = opts.signal ? AbortSignal.any([controller.signal, opts.signal]) : controller.signal;
  const hop: Hop = {
    headers: requestHeaders(opts),
    ca: opts.ca,
    lookup: guardedLookup(allow, opts.resolver),
    signal,
    connectTimeoutMs,
  };
  const redirects: string[] = [];
  let downgraded = false;

  try {
    for (;;) {
      checkTarget(url, allow);
      const res = await send(url, hop);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECTS.has(status) && location) {
        res.destroy();
        const next = new URL(location, url); // a relative Location resolves against the current URL
        if (redirects.length >= maxRedirects) {
          throw new FetchError(
            'too-many-redirects',
            `more than ${maxRedirects} redirects from ${started} (last to ${next.href})`,
          );
        }
        if (next.href === url.href || redirects.includes(next.href)) {
          throw new FetchError(
            'too-many-redirects',
            `redirect loop from ${started}: ${url.href} redirects back to ${next.href}`,
          );
        }
        if (url.protocol === 'https:' && next.protocol === 'http:') downgraded = true;
        redirects.push(url.href);
        url = next;
        continue;
      }
      const base = { url: url.href, status, headers: res.headers, redirects, downgraded };
      if (status === 304) {
        res.destroy();
        return {
          ...base,
          body: Buffer.alloc(0),
          notModified: true,
          validators: { ...opts.validators, ...validatorsOf(res.headers) },
        };
      }
      if (status < 200 || status > 299) {
        res.destroy();
        throw statusError(res, url, now());
      }
      const body = await readBody(res, url, maxBytes);
      return { ...base, body, notModified: false, validators: validatorsOf(res.headers) };
    }
  } catch (err) {
    if (err instanceof FetchError) throw err;
    if (signal.aborted) throw abortError(signal.reason, url);
    throw toFetchError(err, url);
  } finally {
    clearTimeout(timer);
  }
}

function abortError(reason: unknown, url: URL): FetchError {
  if (reason instanceof FetchError) return reason;
  return new FetchError('timeout', `fetching ${url.href} was cancelled`, { cause: reason });
}

/** Drops undefined options so that `{ timeoutMs: undefined }` keeps the default. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
