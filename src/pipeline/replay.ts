// backtest: recorded feeds or item JSON lines replayed in time order through the step the worker runs
// (step.ts), folded over plain values, with the clock set to each item's publication time; and the alerts
// that would have been raised (matches, indicator changes, scenario crossings), with their receivers.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { decodeBody } from '../fetch/index.js';
import { toItem, toItems } from '../items/index.js';
import type { Item } from '../model/item.js';
import type { Source, Watchbook } from '../model/watchbook.js';
import { parseBody } from '../parse/index.js';
import { Matcher } from '../rules/index.js';
import { isSilenced, routeAlert } from '../alerts/index.js';
import type { Alert } from '../model/alert.js';
import { advance, emptyPicture, step } from './step.js';

export interface ReplayStep {
  at: string;
  item: string;
  title: string;
  source: string;
  /** Rules the item matched (empty for a duplicate or an item no rule took). */
  matches: string[];
  probabilities: Record<string, number>;
}

/** An alert the replay would have raised, and who would have heard of it. */
export interface ReplayAlert {
  kind: Alert['kind'];
  id: string;
  at: string;
  summary: string;
  labels: Record<string, string>;
  /** Receivers its labels route to; empty when a watchbook silence held it. */
  receivers: string[];
  silenced: boolean;
}

export interface ReplayResult {
  steps: ReplayStep[];
  final: Record<string, number>;
  alerts: ReplayAlert[];
  /** Lines or files that could not be read, with why. */
  problems: string[];
}

/** `onStep` hears of each item's step, with how many items are done of how many read. */
export async function replay(
  inputPath: string,
  watchbook: Watchbook,
  onStep?: (step: ReplayStep, done: number, total: number) => void,
): Promise<ReplayResult> {
  const problems: string[] = [];
  const items = await readItems(inputPath, watchbook, problems);
  const matcher = new Matcher(watchbook.rules, watchbook.cues);
  const seen = new Set<string>();
  let picture = emptyPicture(watchbook);
  const steps: ReplayStep[] = [];
  const alerts: ReplayAlert[] = [];

  /** The worker's step at `at`, folded over the picture; its alerts with whom they would reach. */
  const run = (fresh: Item[], at: number) => {
    const result = step(picture, fresh, watchbook, matcher, at);
    picture = advance(picture, result, at);
    for (const alert of result.alerts) {
      const silenced = isSilenced(alert.labels, watchbook.silences, at) !== undefined;
      const receivers = silenced ? [] : [...new Set(routeAlert(alert.labels, watchbook.routes).map((r) => r.receiver))];
      alerts.push({
        kind: alert.kind,
        id: alert.id,
        at: new Date(at).toISOString(),
        summary: alert.summary,
        labels: alert.labels,
        receivers,
        silenced,
      });
    }
    return result;
  };
  /**
   * A pending alert fires when its dwell ends, which may fall between two items: step with no items at that
   * instant, as the worker's hourly rescore does, only on time.
   */
  const dwellsUntil = (until: number) => {
    for (;;) {
      const due = watchbook.scenarios
        .map((s) => ({ pending: picture.scenarioAlerts[s.id]?.pendingSince, forMs: s.alert?.forMs }))
        .flatMap(({ pending, forMs }) =>
          pending !== undefined && forMs !== undefined && pending + forMs <= until ? [pending + forMs] : [],
        );
      if (due.length === 0) return;
      run([], Math.min(...due));
    }
  };

  for (const item of items) {
    const now = Date.parse(item.publishedAt);
    dwellsUntil(now);
    const fresh = seen.has(item.key) ? [] : [item];
    seen.add(item.key);
    const result = run(fresh, now);
    const replayStep: ReplayStep = {
      at: item.publishedAt,
      item: item.key,
      title: item.title,
      source: item.source,
      matches: result.evidence.map((e) => e.rule),
      probabilities: result.state.probabilities,
    };
    steps.push(replayStep);
    onStep?.(replayStep, steps.length, items.length);
  }
  dwellsUntil(Infinity);
  return { steps, final: picture.probabilities, alerts, problems };
}

/**
 * Items from a file or a folder, oldest first: `.jsonl` item lines (the `score` input with publishedAt), or
 * feed files. What cannot be read is added to `problems`.
 */
export async function readItems(path: string, watchbook: Watchbook, problems: string[]): Promise<Item[]> {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .sort()
        .map((f) => join(path, f))
        .filter((f) => statSync(f).isFile())
    : [path];
  const items: Item[] = [];
  for (const file of files) {
    if (extname(file) === '.jsonl') items.push(...readItemLines(file, watchbook, problems));
    else items.push(...(await readFeedFile(file, watchbook, problems)));
  }
  return items.sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt));
}

function sourceFor(id: string | undefined, fallback: string, watchbook: Watchbook): Source {
  const known = watchbook.sources.find((s) => s.id === id);
  return (
    known ?? { id: id ?? fallback, type: 'rss', url: 'file:', everyMs: 0, credibility: 0.5, lang: 'und', tags: [] }
  );
}

function readItemLines(file: string, watchbook: Watchbook, problems: string[]): Item[] {
  const items: Item[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, n) => {
      if (!line.trim()) return;
      let raw: Record<string, unknown>;
      try {
        raw = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return void problems.push(`${file}:${n + 1}: not valid JSON`);
      }
      const str = (k: string) => (typeof raw[k] === 'string' ? raw[k] : undefined);
      const title = str('title');
      const published = str('publishedAt');
      if (!title) return void problems.push(`${file}:${n + 1}: the item has no "title"`);
      if (!published || Number.isNaN(Date.parse(published)))
        return void problems.push(`${file}:${n + 1}: the item has no valid "publishedAt"`);
      const source = sourceFor(str('source'), 'input', watchbook);
      const url = str('url');
      const entry = {
        title,
        published: new Date(published).toISOString(),
        ...optional({ guid: str('id'), link: url, summary: str('summary'), content: str('content') }),
      };
      const item = toItem(entry, { ...source, ...(str('lang') && { lang: str('lang')! }) }, new Date(published));
      if (item) items.push(item);
    });
  return items;
}

async function readFeedFile(file: string, watchbook: Watchbook, problems: string[]): Promise<Item[]> {
  // A recorded feed named after a watchbook source (nato-news.xml) is read as that source.
  const source = sourceFor(basename(file).replace(/\.[^.]+$/, ''), basename(file), watchbook);
  try {
    const decoded = decodeBody(readFileSync(file));
    const parsed = await parseBody(decoded.text, {
      type: source.type,
      url: source.url.startsWith('http') ? source.url : 'http://localhost/',
      ...(source.select && { select: source.select }),
      now: Date.now(),
    });
    return toItems(parsed.entries, source, new Date()).items;
  } catch (err) {
    problems.push(`${file}: ${(err as Error).message}`);
    return [];
  }
}

/** The entries of an object whose values are defined. */
function optional<T extends Record<string, string | undefined>>(o: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}
