// Cross-site request checks for the forms that write (feedback): a form posted from another site is
// refused by what the browser says of where it came from (Sec-Fetch-Site, Origin), and, for clients that
// say nothing, by a token only our own pages carry (HMAC of the user under a secret kept in Redis, so
// every web process accepts every other's; OWASP CSRF cheat sheet, "Fetch Metadata" and "Signed
// Double-Submit").
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export function csrfToken(secret: string, user: string): string {
  return createHmac('sha256', secret).update(`signpost-feedback\u0000${user}`).digest('base64url');
}

/** Why a write must be refused as cross-site, or undefined when it may go on. */
export function crossSiteProblem(
  req: FastifyRequest,
  secret: string,
  user: string,
  token: unknown,
): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin')
    return `the form was sent from another site (Sec-Fetch-Site: ${String(site)})`;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    // The host alone: behind a TLS-terminating proxy the scheme the browser used is not the one we see.
    if (host === undefined || host !== req.headers.host) return `the form was sent from another origin (${origin})`;
  }
  const expected = Buffer.from(csrfToken(secret, user));
  const given = Buffer.from(typeof token === 'string' ? token : '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return 'the form has no valid token; reload the page and send it again';
  return undefined;
}
