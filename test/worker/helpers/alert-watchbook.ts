// A watchbook folder for alert tests: the shipped rules and indicators (titles only, so no windows and no
// overdue alerts), two scenarios without alert thresholds (so no scenario alerts), loopback sources, and
// the routes and receivers a test gives. Every alert is then a `match`, one group per indicator.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadWatchbookOrThrow } from '../../../src/config/index.js';
import { CONFIG_DIR, type WatchbookDir, type WatchbookSource } from './watchbook.js';

export interface AlertWatchbook {
  sources: readonly WatchbookSource[];
  /** The route tree as the watchbook writes it (receiver, group_by, timers, child routes). */
  routes: Record<string, unknown>;
  receivers: Record<string, unknown>;
}

export function makeAlertWatchbookDir(book: AlertWatchbook): WatchbookDir {
  const shipped = loadWatchbookOrThrow(CONFIG_DIR, { SLACK_DESK_WEBHOOK: '' });
  const dir = mkdtempSync(join(tmpdir(), 'signpost-alerts-'));
  cpSync(join(CONFIG_DIR, 'rules'), join(dir, 'rules'), { recursive: true, filter: (src) => !src.endsWith('~') });
  const watchbook = {
    version: 1,
    watch: { id: 'alert-test', title: 'Alert test', allow_private: true },
    scenarios: { baseline: { title: 'Baseline', prior: 0.6 }, risk: { title: 'Risk', prior: 0.4 } },
    indicators: Object.fromEntries(shipped.indicators.map((i) => [i.id, { title: i.id }])),
    sources: book.sources.map((s) => ({
      id: s.id,
      type: 'rss',
      url: s.url,
      every: s.every,
      credibility: s.credibility ?? 0.8,
      lang: s.lang ?? 'en',
    })),
    routes: book.routes,
    receivers: book.receivers,
  };
  writeFileSync(join(dir, 'watchbook.yaml'), stringify(watchbook));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
