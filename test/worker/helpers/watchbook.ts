// A watchbook folder for worker processes: the shipped watchbook's scenarios, indicators, routes and rules,
// with its sources replaced by loopback fixtures, and the shipped rule tests' items as feed content.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseDocument } from 'yaml';

export const CONFIG_DIR = fileURLToPath(new URL('../../../config', import.meta.url));

export interface WatchbookSource {
  id: string;
  url: string;
  /** A duration as the watchbook writes it: `1s`, `1h`. */
  every: string;
  lang?: string;
  credibility?: number;
}

export interface WatchbookDir {
  dir: string;
  remove(): void;
}

/**
 * A temp folder with watchbook.yaml (the shipped one, private addresses allowed, `sources` replaced) and a
 * copy of config/rules/*.yaml in rules/. The shipped tests/ are left out: they name the shipped sources.
 */
export function makeWatchbookDir(sources: readonly WatchbookSource[]): WatchbookDir {
  const dir = mkdtempSync(join(tmpdir(), 'signpost-mp-'));
  const doc = parseDocument(readFileSync(join(CONFIG_DIR, 'watchbook.yaml'), 'utf8'));
  doc.setIn(['watch', 'allow_private'], true);
  doc.set(
    'sources',
    doc.createNode(
      sources.map((s) => ({
        id: s.id,
        type: 'rss',
        url: s.url,
        every: s.every,
        credibility: s.credibility ?? 0.8,
        lang: s.lang ?? 'en',
      })),
    ),
  );
  writeFileSync(join(dir, 'watchbook.yaml'), doc.toString());
  cpSync(join(CONFIG_DIR, 'rules'), join(dir, 'rules'), { recursive: true, filter: (src) => !src.endsWith('~') });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestTitle {
  title: string;
  summary?: string;
  /** The rules the shipped test says it matches (empty for a negative). */
  match: string[];
}

interface ShippedTest {
  item?: { title: string; summary?: string } | string;
  items?: ({ title: string; summary?: string } | string)[];
  match?: string[];
}

/** The items of the shipped rule tests (config/tests/*.yaml): positives (expected to match) and negatives. */
export function shippedTestItems(): { positive: TestTitle[]; negative: TestTitle[] } {
  const positive: TestTitle[] = [];
  const negative: TestTitle[] = [];
  const dir = join(CONFIG_DIR, 'tests');
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const data = parse(readFileSync(join(dir, file), 'utf8')) as { tests?: ShippedTest[] };
    for (const test of data.tests ?? []) {
      const items = test.items ?? (test.item !== undefined ? [test.item] : []);
      for (const it of items) {
        const entry: TestTitle =
          typeof it === 'string'
            ? { title: it, match: [] }
            : { title: it.title, ...(it.summary && { summary: it.summary }), match: [] };
        entry.match = test.match ?? [];
        (entry.match.length ? positive : negative).push(entry);
      }
    }
  }
  return { positive, negative };
}

/** The language a title is written in, as the shipped sources would label it. */
export function langOf(text: string): 'en' | 'uk' | 'ru' {
  if (/[іїєґІЇЄҐ]/.test(text)) return 'uk';
  if (/[а-яА-ЯёЁ]/.test(text)) return 'ru';
  return 'en';
}
