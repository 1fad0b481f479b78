// `signpost alerts list`: the firing alerts in Redis, one line each, as `amtool alert query` lists them.
import { matchesMatchers } from '../alerts/index.js';
import { LABEL_NAMES, parseMatcherArgs, watchbookLabelValues } from '../config/index.js';
import type { LabelMatcher } from '../model/watchbook.js';
import { loadOrReport } from './load.js';
import { withStore } from './with-store.js';

const USAGE = `Usage:
  signpost alerts list [label=value|label!=value|label=~regex|label!~regex ...]
Firing alerts in their groups in Redis, one line each: id, state (firing: sent; pending: waiting for its
group's next send), since, receivers, labels. Labels: kind, indicator, scenario, severity, source, rule.`;

interface Listed {
  since: number;
  receivers: Set<string>;
  sent: boolean;
}

/**
 * `signpost alerts list [matchers]`: what `amtool alert query` shows, from the alert groups in Redis. An alert
 * in several groups (a route with `continue`) is one line naming every receiver. Alerts that went only to a
 * digest receiver are not in a group and wait for the digest instead.
 */
export async function runAlerts(config: string, args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  if (verb !== 'list') {
    console.error(USAGE);
    return 2;
  }
  let filters: LabelMatcher[] = [];
  if (rest.length) {
    const wb = loadOrReport(config);
    if (!wb) return 1;
    const parsed = parseMatcherArgs(rest, watchbookLabelValues(wb));
    if (parsed.errors.length) {
      for (const e of parsed.errors) console.error(`signpost alerts: ${e}`);
      return 2;
    }
    filters = parsed.matchers;
  }
  return withStore(async (store) => {
    const listed = new Map<string, Listed>();
    for (const { key, receiver, group } of await store.alertGroups()) {
      const firing = group.alerts.filter((a) => a.firing);
      if (!firing.length) continue;
      const sentIds = new Set((await store.getSendLog(key, receiver))?.lastSentIds ?? []);
      for (const a of firing) {
        const entry = listed.get(a.id) ?? { since: a.at, receivers: new Set<string>(), sent: false };
        entry.since = Math.min(entry.since, a.at);
        entry.receivers.add(receiver);
        entry.sent ||= sentIds.has(a.id);
        listed.set(a.id, entry);
      }
    }
    const alerts = (await store.getAlerts([...listed.keys()])).filter((a) => matchesMatchers(a.labels, filters));
    const rows = alerts
      .map((a) => ({ alert: a, ...listed.get(a.id)! }))
      .sort((x, y) => x.since - y.since || (x.alert.id < y.alert.id ? -1 : 1));
    for (const { alert, since, receivers, sent } of rows) {
      const labels = LABEL_NAMES.filter((n) => alert.labels[n] !== undefined).map(
        (n) => `${n}=${JSON.stringify(alert.labels[n])}`,
      );
      console.log(
        `${alert.id}  ${sent ? 'firing ' : 'pending'}  ${new Date(since).toISOString()}  ${[...receivers].sort().join(',')}  ${labels.join(' ')}`,
      );
    }
    return 0;
  });
}
