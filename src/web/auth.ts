// HTTP basic auth for the overview and the job board.
//
// Rule: SIGNPOST_WEB_USER and SIGNPOST_WEB_PASSWORD are the viewer: they see the overview (/) and the
// read-only job board (/queues; every write there answers 405). SIGNPOST_WEB_ADMIN, as `user:password`, is
// the admin: everything the viewer sees plus the writable job board at /queues/admin (retry, remove, ...).
// Without SIGNPOST_WEB_ADMIN there is no writable board at all. Without both viewer variables only
// /healthz, /readyz and /metrics are served; / and /queues are not registered (404). After 10 wrong
// logins from one client address within 5 minutes, that address gets 429 with Retry-After until the 5
// minutes are over, whatever it sends (throttle.ts); other addresses log in as before.

import { createHash, timingSafeEqual } from 'node:crypto';

export interface Credentials {
  user: string;
  password: string;
}

export interface WebAuth extends Credentials {
  admin?: Credentials;
}

export type Role = 'viewer' | 'admin';

/** Constant-time equality of two strings (of any lengths): compares SHA-256 digests. */
function same(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function matches(given: Credentials, expected: Credentials): boolean {
  // Both compared always, so the time does not tell which one was wrong.
  const user = same(given.user, expected.user);
  const password = same(given.password, expected.password);
  return user && password;
}

/** The credentials in an `Authorization: Basic ...` header, or undefined. */
export function parseBasic(header: string | undefined): Credentials | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The role the header authenticates, or undefined. */
export function authenticate(header: string | undefined, auth: WebAuth): Role | undefined {
  const given = parseBasic(header);
  if (!given) return undefined;
  if (auth.admin && matches(given, auth.admin)) return 'admin';
  return matches(given, auth) ? 'viewer' : undefined;
}

/** Auth settings from the environment, or undefined (with the reason) when the viewer is not configured. */
export function authFromEnv(env: NodeJS.ProcessEnv = process.env): { auth?: WebAuth; problem?: string } {
  const user = env.SIGNPOST_WEB_USER;
  const password = env.SIGNPOST_WEB_PASSWORD;
  if (!user || !password) {
    return {
      problem:
        'SIGNPOST_WEB_USER and SIGNPOST_WEB_PASSWORD are not both set: the overview (/) and the job board (/queues) are not served; /healthz, /readyz and /metrics are',
    };
  }
  const admin = env.SIGNPOST_WEB_ADMIN;
  const colon = admin?.indexOf(':') ?? -1;
  if (admin && colon > 0 && colon < admin.length - 1) {
    return { auth: { user, password, admin: { user: admin.slice(0, colon), password: admin.slice(colon + 1) } } };
  }
  return {
    auth: { user, password },
    ...(admin && { problem: 'SIGNPOST_WEB_ADMIN must be user:password; the writable job board is not served' }),
  };
}
