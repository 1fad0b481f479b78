// Turns what node:http, node:net, node:tls, node:dns and node:zlib throw into a FetchError with a reason
// from the closed set. Everything here is transient (permanent: false): the network, DNS and TLS setups of
// other people change, and a source is never dropped.
import { FetchError } from './errors.js';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA', 'ESERVFAIL']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
// No separate "network" reason in the closed set: a reset or an unreachable host is the peer (or the path
// to it) refusing to talk, and on-call reads it as such. The message keeps the exact code.
const REFUSED_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
]);

function isTlsError(code: string, err: { library?: unknown }): boolean {
  return (
    err.library === 'SSL routines' ||
    code === 'EPROTO' ||
    /^ERR_(TLS|SSL)_/.test(code) ||
    /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/.test(code)
  );
}

const isDecodeError = (code: string): boolean => /^Z_|^ERR_ZLIB|^ERR__ERROR_FORMAT|^ERR_BROTLI/.test(code);

/** A FetchError for anything thrown while fetching `url`; FetchErrors pass through unchanged. */
export function toFetchError(err: unknown, url: URL): FetchError {
  if (err instanceof FetchError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown;
    message?: unknown;
    library?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : '';
  // OpenSSL appends a source location on a second line; the first says what went wrong.
  const detail = (typeof e.message === 'string' && e.message ? e.message : String(err)).split('\n')[0]?.trim() ?? '';
  const opts = { cause: err };
  if (DNS_CODES.has(code)) return new FetchError('dns', `cannot resolve ${url.hostname} (${code})`, opts);
  if (code === 'ECONNREFUSED') return new FetchError('refused', `connection refused by ${url.host}`, opts);
  if (REFUSED_CODES.has(code))
    return new FetchError('refused', `connection to ${url.host} failed (${code}): ${detail}`, opts);
  if (TIMEOUT_CODES.has(code)) return new FetchError('timeout', `connection to ${url.host} timed out (${code})`, opts);
  if (isTlsError(code, e))
    return new FetchError('tls', `TLS with ${url.host} failed (${code || 'TLS'}): ${detail}`, opts);
  if (code.startsWith('HPE_'))
    return new FetchError('parse-error', `${url.host} sent malformed HTTP (${code}): ${detail}`, opts);
  if (isDecodeError(code))
    return new FetchError('parse-error', `cannot decompress the body of ${url.href} (${code}): ${detail}`, opts);
  return new FetchError('refused', `request to ${url.href} failed${code ? ` (${code})` : ''}: ${detail}`, opts);
}
