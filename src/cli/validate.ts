import { loadOrReport } from './load.js';

export function runValidate(path: string): number {
  const wb = loadOrReport(path, { warnings: true });
  if (!wb) return 1;
  console.log(
    `${path}: ok: ${wb.scenarios.length} scenarios, ${wb.indicators.length} indicators, ${wb.sources.length} sources, ` +
      `${wb.rules.length} rules, ${wb.tests.length} tests, ${wb.receivers.length} receivers`,
  );
  return 0;
}
