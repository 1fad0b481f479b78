// The JSON body of a generic webhook, modelled on Alertmanager's webhook payload (version, receiver, status,
// groupKey, groupLabels, commonLabels, alerts with labels and startsAt) with what Signpost adds: the
// notification id (stable across retries: a receiver can drop a duplicate by it), which alerts are new
// since the group's last message, and each alert's summary and explanation. Times are RFC 3339 strings.
// docs/watchbook.md documents every field; a change to this shape needs a new `version`.
import type { AlertExplanation, AlertKind, Digest, Notification } from '../model/alert.js';

/** The payload format's version: bumped on any change a receiver could trip on. */
export const WEBHOOK_VERSION = '1';

export interface WebhookAlert {
  id: string;
  kind: AlertKind;
  /** Alerts in a notification fire; a resolved alert is not announced (docs/watchbook.md). */
  status: 'firing';
  /** New since the group's last message to this receiver. */
  new: boolean;
  labels: Record<string, string>;
  startsAt: string;
  summary: string;
  explanation: AlertExplanation;
}

export interface WebhookNotification {
  version: typeof WEBHOOK_VERSION;
  type: 'notification';
  /** The notification id: the same on every retry of this message. */
  id: string;
  receiver: string;
  status: 'firing';
  watch: { title: string };
  groupKey: string;
  groupLabels: Record<string, string>;
  /** The labels every alert of the group shares. */
  commonLabels: Record<string, string>;
  /** Ids of the alerts new since the group's last message to this receiver; alerts lists them first. */
  newIds: string[];
  alerts: WebhookAlert[];
}

export interface WebhookDigest extends Omit<Digest, 'from' | 'to' | 'watchTitle'> {
  version: typeof WEBHOOK_VERSION;
  type: 'digest';
  watch: { title: string };
  from: string;
  to: string;
}

export type WebhookPayload = WebhookNotification | WebhookDigest;

const iso = (ms: number) => new Date(ms).toISOString();

export function renderNotificationWebhook(n: Notification, opts: { watchTitle: string }): WebhookNotification {
  const newIds = n.newIds ?? n.alerts.map((a) => a.id);
  const fresh = new Set(newIds);
  const [first, ...rest] = n.alerts;
  const commonLabels = Object.fromEntries(
    Object.entries(first?.labels ?? {}).filter(([k, v]) => rest.every((a) => a.labels[k] === v)),
  );
  return {
    version: WEBHOOK_VERSION,
    type: 'notification',
    id: n.id,
    receiver: n.receiver,
    status: 'firing',
    watch: { title: opts.watchTitle },
    groupKey: n.groupKey,
    groupLabels: n.groupLabels,
    commonLabels,
    newIds,
    alerts: n.alerts.map((a) => ({
      id: a.id,
      kind: a.kind,
      status: 'firing',
      new: fresh.has(a.id),
      labels: a.labels,
      startsAt: iso(a.startsAt),
      summary: a.summary,
      explanation: a.explanation,
    })),
  };
}

export function renderDigestWebhook(d: Digest): WebhookDigest {
  const { watchTitle, from, to, ...rest } = d;
  return {
    version: WEBHOOK_VERSION,
    type: 'digest',
    ...rest,
    watch: { title: watchTitle },
    from: iso(from),
    to: iso(to),
  };
}
