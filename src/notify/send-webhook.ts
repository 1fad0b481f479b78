// A generic webhook: POST the JSON payload (render-webhook.ts) signed with HMAC-SHA256 under the receiver's
// secret, so the tool that receives it can tell it came from us and is not a replay. The scheme is Slack's
// and Stripe's: the signed string is `<timestamp>.<raw body>`, the timestamp travels in its own header, and
// the receiver refuses a timestamp too far from its clock (docs/watchbook.md says how to verify). The URL
// and the secret are secrets: messages name the URL's host only, and never the secret.
import { createHmac } from 'node:crypto';
import { NotifyError } from './errors.js';
import { postJson, webhookUrl, type PostOptions } from './post-json.js';
import type { WebhookPayload } from './render-webhook.js';

export const SIGNATURE_HEADER = 'X-Signpost-Signature';
export const TIMESTAMP_HEADER = 'X-Signpost-Timestamp';

export type SendWebhookOptions = PostOptions;

/** `sha256=<hex>`: HMAC-SHA256 under `secret` of `<timestamp>.<body>`, timestamp in Unix seconds. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Posts `payload` to the webhook, signed. Resolves once the server answered 2xx; otherwise throws a
 * NotifyError: 429 retryable with Retry-After, other 4xx (and redirects) permanent, 5xx and network errors
 * retryable; an empty URL or secret is a permanent `config` failure (nothing goes out unsigned).
 */
export async function sendWebhook(
  target: { url: string; secret: string },
  payload: WebhookPayload,
  opts: SendWebhookOptions,
): Promise<void> {
  const url = webhookUrl(target.url, 'webhook', 'the URL');
  if (!target.secret)
    throw new NotifyError(
      'config',
      'webhook: the secret is empty (is its ${ENV} variable set?); nothing is sent unsigned',
    );
  const body = JSON.stringify(payload);
  // Each attempt signs anew: a retry carries a fresh timestamp, so it is not taken for a replay.
  const timestamp = Math.floor((opts.now ?? Date.now)() / 1000);
  const headers = {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: webhookSignature(target.secret, timestamp, body),
    'User-Agent': 'Signpost-Webhook/1',
  };
  await postJson(url, 'webhook', body, headers, opts);
}
