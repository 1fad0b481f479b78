// The fetch stage: HTTP with timeouts, size caps, conditional GET, robots.txt, per-host politeness and an
// SSRF guard; and source health as pure functions. Charset decoding lives beside it in charset.ts.
export { FetchError } from './errors.js';
export {
  Fetcher,
  FEED_ACCEPT,
  type FetcherOptions,
  type FetchLogger,
  type FetchRequest,
  type FetchResult,
} from './fetcher.js';
export { httpGet, HTTP_DEFAULTS, type HttpGetOptions, type HttpResponse } from './http.js';
export {
  checkAddress,
  classifyAddress,
  isAllowedClass,
  type AddressClass,
  type AddressPolicy,
} from './address-guard.js';
export type { Resolver } from './guarded-lookup.js';
export {
  RobotsCache,
  type RobotsDecision,
  type RobotsDownload,
  type RobotsOptions,
  type RobotsShare,
} from './robots.js';
export { HostQueue, type PolitenessOptions } from './politeness.js';
export { ROBOTS_TOKEN, signpostVersion, userAgent } from './user-agent.js';
export { parseRetryAfter } from './retry-after.js';
export {
  backoffMs,
  DEFAULT_BACKOFF_CAP_MS,
  initialHealth,
  MAX_RETRY_AFTER_MS,
  recordFailure,
  recordSuccess,
  type FailureEvent,
  type SuccessEvent,
} from './health.js';
export { decodeBody, type DecodedBody } from './charset.js';
