// The same security headers on every route, the job board's included, and nothing loaded from outside the
// process: bull-board's page links a web font from a public CDN, which would tell a third party who reads
// the board and when. The link is taken out of the page; the CSP would refuse it anyway.

import type { FastifyInstance } from 'fastify';
import { CSP } from './html.js';

const HEADERS: Record<string, string> = {
  'content-security-policy': `${CSP}; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** A `<link>` to anything not on this origin (an absolute http(s) or protocol-relative URL). */
const OUTSIDE_LINK = /<link\b[^>]*\bhref=["']?(?:https?:)?\/\/[^>]*>\s*/gi;

export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [name, value] of Object.entries(HEADERS)) reply.header(name, value);
    const type = String(reply.getHeader('content-type') ?? '');
    if (typeof payload === 'string' && type.startsWith('text/html')) return payload.replace(OUTSIDE_LINK, '');
    return payload;
  });
}
