// Notify: render a notification or digest for email (text + HTML), Slack (Block Kit) and a generic webhook
// (signed JSON), send it, and say whether a failure is worth a retry. Routing, grouping and the send-log
// live before this stage.
export {
  NOTIFY_FAILURE_REASONS,
  NotifyError,
  classifyError,
  httpError,
  inContext,
  parseRetryAfter,
  type NotifyErrorOptions,
  type NotifyFailureReason,
} from './errors.js';
export { messageId } from './explain.js';
export {
  MAX_DETAILED,
  MAX_LISTED,
  renderDigestEmail,
  renderNotificationEmail,
  type EmailRenderOptions,
  type RenderedEmail,
} from './render-email.js';
export {
  SLACK_LIMITS,
  SLACK_MAX_ALERTS,
  renderDigestSlack,
  renderNotificationSlack,
  type SlackBlock,
  type SlackButton,
  type SlackMrkdwn,
  type SlackPayload,
  type SlackPlainText,
} from './render-slack.js';
export {
  createEmailTransport,
  createEmailTransportFromEnv,
  redactSmtpUrl,
  sendEmail,
  type EmailResult,
  type EmailTransport,
  type EmailTransportOptions,
  type SendEmailOptions,
} from './send-email.js';
export { sendSlack, type SendSlackOptions } from './send-slack.js';
export {
  WEBHOOK_VERSION,
  renderDigestWebhook,
  renderNotificationWebhook,
  type WebhookAlert,
  type WebhookDigest,
  type WebhookNotification,
  type WebhookPayload,
} from './render-webhook.js';
export {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  sendWebhook,
  webhookSignature,
  type SendWebhookOptions,
} from './send-webhook.js';
