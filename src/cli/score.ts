import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Matcher } from '../rules/index.js';
import { loadOrReport } from './load.js';

/**
 * `signpost score`: one JSON object a line in, one a line out, same order. A bad line is reported on
 * stderr with its number and skipped; the exit code is 1 at the end if there was any.
 */
export async function runScore(path: string, input: string | undefined, explain: boolean): Promise<number> {
  const wb = loadOrReport(path);
  if (!wb) return 1;
  const matcher = new Matcher(wb.rules);
  const tags = new Map(wb.sources.map((s) => [s.id, s.tags]));
  const langs = new Map(wb.sources.map((s) => [s.id, s.lang]));
  const lines = createInterface({ input: input ? createReadStream(input) : process.stdin, crlfDelay: Infinity });
  let bad = 0;
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    const item = parseItem(line);
    if (typeof item === 'string') {
      console.error(`${input ?? 'stdin'}:${n}: ${item}`);
      bad++;
      continue;
    }
    const source = typeof item.source === 'string' ? item.source : undefined;
    const matches = matcher.match({
      title: item.title,
      ...(typeof item.summary === 'string' && { summary: item.summary }),
      ...(typeof item.content === 'string' && { content: item.content }),
      ...(source !== undefined && { source }),
      ...withLang(item.lang, source, langs),
      ...(source !== undefined && tags.has(source) && { tags: tags.get(source)! }),
    });
    const out = {
      id: item.id ?? null,
      matches: matches.map((m) => ({
        rule: m.rule,
        indicator: m.indicator,
        scenarios: m.scenarios,
        severity: m.severity,
        terms: m.terms,
        ...(explain && { hits: m.hits }),
      })),
    };
    if (!process.stdout.write(`${JSON.stringify(out)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
  }
  if (bad) console.error(`${bad} line${bad === 1 ? '' : 's'} could not be scored`);
  return bad ? 1 : 0;
}

type RawItem = { title: string } & Record<string, unknown>;

function parseItem(line: string): RawItem | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'expected a JSON object';
  const title = (value as Record<string, unknown>).title;
  if (typeof title !== 'string' || title.trim() === '') return 'the item has no "title"';
  return value as RawItem;
}

/** The item's language, or its source's when it gives none. */
function withLang(lang: unknown, source: string | undefined, langs: Map<string, string>): { lang?: string } {
  if (typeof lang === 'string') return { lang };
  const fromSource = source === undefined ? undefined : langs.get(source);
  return fromSource === undefined ? {} : { lang: fromSource };
}

