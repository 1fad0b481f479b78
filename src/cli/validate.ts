// `signpost validate`: the watchbook loaded as `start` loads it, warnings included.
import { loadOrReport } from './load.js';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function runValidate(path: string): number {
  const wb = loadOrReport(path, { warnings: true });
  if (!wb) return 1;
  const parts = [
    count(wb.scenarios.length, 'scenario'),
    count(wb.indicators.length, 'indicator'),
    count(wb.sources.length, 'source'),
    count(wb.rules.length, 'rule'),
    count(wb.tests.length, 'test'),
    count(wb.receivers.length, 'receiver'),
  ];
  console.log(`${path}: ok: ${parts.join(', ')}`);
  return 0;
}
