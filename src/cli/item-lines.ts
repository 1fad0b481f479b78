// Items given as JSON lines, read the same way by `score` and `eval`: a title is required, unknown fields
// are ignored, and an item from a known source gets that source's language (unless it gives its own) and tags.

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { MatchInput } from '../model/item.js';
import type { Watchbook } from '../model/watchbook.js';

export type RawItem = { title: string } & Record<string, unknown>;

/** Each line of a file (or stdin) with its number; blank lines skipped. */
export async function* readLines(input: string | undefined): AsyncGenerator<{ n: number; line: string }> {
  const lines = createInterface({ input: input ? createReadStream(input) : process.stdin, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() !== '') yield { n, line };
  }
}

/** The item a line holds, or what is wrong with it. */
export function parseItemLine(line: string): RawItem | string {
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

/** What the matcher reads of a raw item, with its source's language and tags where the watchbook has them. */
export function matchInputOf(item: RawItem, sources: Watchbook['sources']): MatchInput {
  const source = typeof item.source === 'string' ? item.source : undefined;
  const known = source === undefined ? undefined : sources.find((s) => s.id === source);
  const lang = typeof item.lang === 'string' ? item.lang : known?.lang;
  return {
    title: item.title,
    ...(typeof item.summary === 'string' && { summary: item.summary }),
    ...(typeof item.content === 'string' && { content: item.content }),
    ...(source !== undefined && { source }),
    ...(lang !== undefined && { lang }),
    ...(known && { tags: known.tags }),
  };
}
