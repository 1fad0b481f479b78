// A Slack incoming webhook: POST the Block Kit payload as JSON with a timeout. The webhook URL is a secret
// (its path is the credential), so messages name its host only.
import { postJson, webhookUrl, type PostOptions } from './post-json.js';
import type { SlackPayload } from './render-slack.js';

export type SendSlackOptions = PostOptions;

/**
 * Posts `payload` to the webhook. Resolves once Slack answered 2xx; otherwise throws a NotifyError:
 * 429 retryable with Retry-After, other 4xx (and redirects) permanent, 5xx and network errors retryable.
 */
export async function sendSlack(webhook: string, payload: SlackPayload, opts: SendSlackOptions): Promise<void> {
  await postJson(webhookUrl(webhook, 'slack', 'the webhook'), 'slack', JSON.stringify(payload), {}, opts);
}
