// `signpost routes test|show`: the receivers an alert's labels reach, and the route tree, as amtool shows them.
import { describeRoutes, parseLabelArgs, routeAlert, showRoutes } from '../alerts/index.js';
import { checkLabel, didYouMean, watchbookLabelValues } from '../config/index.js';
import { loadOrReport } from './load.js';

const USAGE = `Usage:
  signpost routes test label=value ...   the receivers an alert with these labels reaches
    [--expect RECEIVER,...]              exit 1 unless they are exactly these, in this order
  signpost routes show                   the route tree: matchers, receivers, group_by, timers
Labels: kind, indicator, scenario, severity, source, rule.`;

/**
 * `signpost routes test label=value ...`: the receivers an alert with these labels reaches, in order.
 * With `--expect a,b`, as `amtool config routes test --verify.receivers`: exit 1 unless the receivers
 * reached are exactly these, in order, with both lists on stderr, so CI can pin the routing.
 * `signpost routes show`: the tree, as `amtool config routes show` draws it.
 */
export function runRoutes(config: string, args: string[], expect?: string): number {
  const [verb, ...pairs] = args;
  if (verb === 'show' && pairs.length === 0 && expect === undefined) {
    const wb = loadOrReport(config);
    if (!wb) return 1;
    for (const line of showRoutes(wb.routes)) console.log(line);
    return 0;
  }
  if (verb !== 'test' || pairs.length === 0) {
    console.error(USAGE);
    return 2;
  }
  const { labels, errors } = parseLabelArgs(pairs);
  if (errors.length) {
    for (const e of errors) console.error(`signpost ${e}`);
    return 2;
  }
  const wb = loadOrReport(config);
  if (!wb) return 1;
  // A label no alert carries, or a value no alert has, would only show the root's receiver: say so instead.
  const values = watchbookLabelValues(wb);
  const bad = Object.entries(labels).flatMap(([name, value]) =>
    checkLabel(name, value, values).map((e) => `${name}=${value}: ${e}`),
  );
  if (bad.length) {
    for (const e of bad) console.error(`signpost routes: ${e}`);
    return 2;
  }
  const expected = expect
    ?.split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  // A misspelt receiver would only fail as a mismatch: name it instead.
  const known = wb.receivers.map((r) => r.id);
  const unknown = (expected ?? []).filter((r) => !known.includes(r));
  if (unknown.length) {
    for (const r of unknown) console.error(`signpost routes: --expect: unknown receiver "${r}"${didYouMean(r, known)}`);
    return 2;
  }
  for (const line of describeRoutes(labels, wb.routes)) console.log(line);
  if (!expected) return 0;
  const reached = routeAlert(labels, wb.routes).map((r) => r.receiver);
  if (reached.join(',') === expected.join(',')) return 0;
  console.error(`signpost routes: expected receivers: ${expected.join(',') || '(none)'}`);
  console.error(`signpost routes: reached receivers:  ${reached.join(',') || '(none)'}`);
  return 1;
}
