import { describeRoutes, parseLabelArgs, showRoutes } from '../alerts/index.js';
import { checkLabel, watchbookLabelValues } from '../config/index.js';
import { loadOrReport } from './load.js';

const USAGE = `Usage:
  signpost routes test label=value ...   the receivers an alert with these labels reaches
  signpost routes show                   the route tree: matchers, receivers, group_by, timers
Labels: kind, indicator, scenario, severity, source, rule.`;

/**
 * `signpost routes test label=value ...`: the receivers an alert with these labels reaches, in order.
 * `signpost routes show`: the tree, as `amtool config routes show` draws it.
 */
export function runRoutes(config: string, args: string[]): number {
  const [verb, ...pairs] = args;
  if (verb === 'show' && pairs.length === 0) {
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
  const bad = Object.entries(labels).flatMap(([name, value]) => checkLabel(name, value, values).map((e) => `${name}=${value}: ${e}`));
  if (bad.length) {
    for (const e of bad) console.error(`signpost routes: ${e}`);
    return 2;
  }
  for (const line of describeRoutes(labels, wb.routes)) console.log(line);
  return 0;
}
