// The reliability watchbook: loopback sources, one rule per item position (rule rNNN matches the word
// relmarkNNN), and match alerts routed to `desk` grouped by every label, so that an item alerts in a group
// of its own and each Slack message or email carries exactly one item; every other alert (indicator
// changes, source outages) goes to `other`, which the tallies ignore. No scenario thresholds: no scenario
// alerts. The item's GUID (rel-sNNN-...) is in its title and link, so a delivery names the item it is for.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { TimedEntry } from './feeds.js';

export interface BookOptions {
  sources: readonly { id: string; url: string; every: string }[];
  /** Rules r000..r(n-1); item position k within a source matches rule k mod n. */
  rules: number;
  slackUrl: string;
  /** Also email the desk (SMTP_URL must be set for the worker). */
  email?: boolean;
  /** The indicator's half_life (default: the watchbook's, 30 days); evidence is kept ten of them. */
  halfLife?: string;
}

export interface Book {
  dir: string;
  watchbookPath: string;
  rulesPath: string;
  /** The files as first written, to restore after an edit. */
  good: { watchbook: string; rules: string };
  remove(): void;
}

export const ruleId = (k: number): string => `r${String(k).padStart(3, '0')}`;
export const marker = (k: number): string => `relmark${String(k).padStart(3, '0')}`;
export const sourceId = (n: number): string => `s${String(n).padStart(4, '0')}`;

export function watchbookText(opts: BookOptions): string {
  return stringify({
    version: 1,
    watch: { id: 'reliability', title: 'Reliability', allow_private: true },
    scenarios: { baseline: { title: 'Baseline', prior: 0.6 }, risk: { title: 'Risk', prior: 0.4 } },
    indicators: { signal: { title: 'Signal', ...(opts.halfLife && { half_life: opts.halfLife }) } },
    sources: opts.sources.map((s) => ({
      id: s.id,
      type: 'rss',
      url: s.url,
      every: s.every,
      credibility: 0.8,
      lang: 'en',
    })),
    routes: {
      receiver: 'other',
      routes: [
        {
          match: { kind: 'match' },
          receiver: 'desk',
          group_by: ['...'],
          group_wait: '1s',
          group_interval: '1s',
          repeat_interval: '1000h',
        },
      ],
    },
    receivers: {
      other: { slack: { webhook: `${opts.slackUrl}/other` } },
      desk: { slack: { webhook: `${opts.slackUrl}/desk` }, ...(opts.email && { email: { to: ['desk@example.org'] } }) },
    },
  });
}

export function rulesText(n: number): string {
  const rules = Array.from({ length: n }, (_, k) => ({
    id: ruleId(k),
    indicator: 'signal',
    match: [marker(k)],
    evidence: { baseline: 'weak' },
  }));
  return stringify({ rules });
}

export function makeBook(opts: BookOptions): Book {
  const dir = mkdtempSync(join(tmpdir(), 'signpost-reliability-'));
  mkdirSync(join(dir, 'rules'));
  const good = { watchbook: watchbookText(opts), rules: rulesText(opts.rules) };
  const watchbookPath = join(dir, 'watchbook.yaml');
  const rulesPath = join(dir, 'rules', 'rel.yaml');
  writeFileSync(watchbookPath, good.watchbook);
  writeFileSync(rulesPath, good.rules);
  return { dir, watchbookPath, rulesPath, good, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The k-th item of a source: it alerts (rule k mod rules) unless `quiet`. Its GUID is in its title and link.
 * Published at `at` and in the feed from then on.
 */
export function item(source: string, k: number, at: number, opts: { rules: number; quiet?: boolean }): TimedEntry {
  const guid = `rel-${source}-i${String(k).padStart(4, '0')}`;
  const words = opts.quiet ? 'routine notice, nothing to report' : `bulletin ${marker(k % opts.rules)}`;
  return {
    guid,
    title: `${guid} ${words}`,
    link: `http://news.example.org/${guid}`,
    published: new Date(at),
    visibleAt: at,
  };
}

/** The item GUIDs a message names (a delivery should name exactly one). */
export function idsIn(text: string): string[] {
  return [...new Set(text.match(/rel-s\d{4}-[a-z]*\d{4}/g) ?? [])];
}
