// A receiver's side of the generic webhook, as docs/watchbook.md tells one to write it: recompute the
// HMAC over `<timestamp>.<raw body>`, compare in constant time, refuse a timestamp too far from the clock.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest } from './slack.js';

/** Why the request is not ours or is a replay, or undefined when it verifies. */
export function signatureProblem(
  req: Pick<WebhookRequest, 'headers' | 'body'>,
  secret: string,
  nowMs = Date.now(),
  toleranceS = 300,
): string | undefined {
  const timestamp = String(req.headers['x-signpost-timestamp'] ?? '');
  const signature = String(req.headers['x-signpost-signature'] ?? '');
  if (!/^\d+$/.test(timestamp)) return 'no timestamp';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceS) return 'timestamp too old or too new';
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${timestamp}.${req.body}`).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad signature';
  return undefined;
}
