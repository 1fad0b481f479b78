import { describeRoutes, parseLabelArgs } from '../alerts/index.js';
import { loadOrReport } from './load.js';

/** `signpost routes test label=value ...`: the receivers an alert with these labels reaches, in order. */
export function runRoutes(config: string, args: string[]): number {
  const [verb, ...pairs] = args;
  if (verb !== 'test' || pairs.length === 0) {
    console.error('signpost routes: usage: signpost routes test label=value ... (labels: kind, indicator, scenario, severity, source, rule)');
    return 2;
  }
  const { labels, errors } = parseLabelArgs(pairs);
  if (errors.length) {
    for (const e of errors) console.error(`signpost ${e}`);
    return 2;
  }
  const wb = loadOrReport(config);
  if (!wb) return 1;
  for (const line of describeRoutes(labels, wb.routes)) console.log(line);
  return 0;
}
