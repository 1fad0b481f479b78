// Every file of the shared corpus (real publishers' feeds and a peer's malformed cases) through the same
// two steps the worker runs, decodeBody then parseBody: each parses to entries or fails with a clear reason.
// The corpus lives beside the repository (../shared/corpus), never copied into it.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/fetch/charset.js';
import { FetchError } from '../../src/fetch/errors.js';
import { ParseError, parseBody } from '../../src/parse/index.js';
import { EXPECTED } from '../fixtures/corpus-expected.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = resolve(repoRoot, '../shared/corpus');
const NOW = Date.UTC(2026, 10, 26);

const files = ['real', 'edge']
  .flatMap((dir) => readdirSync(join(CORPUS, 'feeds', dir)).map((f) => `${dir}/${f}`))
  .sort();
const summary = { parsed: [] as string[], failed: new Map<string, string[]>() };

async function run(file: string) {
  const decoded = decodeBody(readFileSync(join(CORPUS, 'feeds', file)));
  const parsed = await parseBody(decoded.text, {
    type: file.endsWith('.json') ? 'json' : 'rss',
    url: `https://corpus.invalid/${file}`,
    now: NOW,
  });
  return { ...parsed, charset: decoded.charset, warnings: [...decoded.warnings, ...parsed.warnings] };
}

describe('the shared corpus, decoded and parsed', () => {
  it('has an expected outcome for every file, and a file for every expected outcome', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s', async (file) => {
    const want = EXPECTED[file];
    if (!want) return; // reported by the test above
    if ('fails' in want) {
      const err: unknown = await run(file).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, `${file} should fail`).toBeInstanceOf(want.fails === 'bad-charset' ? FetchError : ParseError);
      expect((err as ParseError | FetchError).reason).toBe(want.fails);
      expect((err as Error).message).toMatch(want.message);
      const reason = (err as ParseError).reason;
      summary.failed.set(reason, [...(summary.failed.get(reason) ?? []), file]);
      return;
    }
    const got = await run(file);
    expect(got.entries.length).toBe(want.entries);
    expect(got.entries[0]?.title).toBe(want.first);
    if (want.charset) expect(got.charset).toBe(want.charset);
    if (want.warning) expect(got.warnings.join('\n')).toMatch(want.warning);
    for (const entry of got.entries) {
      if (entry.link) expect(entry.link).toMatch(/^https?:\/\/[^\s]+$/);
      if (entry.published) expect(Date.parse(entry.published)).toBeLessThanOrEqual(NOW + 86_400_000);
      expect(`${entry.title ?? ''} ${entry.summary ?? ''}`).not.toMatch(/\uFFFD|Ð[\u0080-\u00BF]|Ñ[\u0080-\u00BF]/);
    }
    summary.parsed.push(file);
  });

  it('reads the real feeds with a title, a link and (where the feed has one) a date on every entry', async () => {
    for (const file of files.filter((f) => f.startsWith('real/') && !('fails' in (EXPECTED[f] ?? {})))) {
      const { entries } = await run(file);
      for (const e of entries) {
        expect(e.title, file).toBeTruthy();
        expect(e.link, file).toMatch(/^https?:\/\//);
        // heise's RSS 0.9 feed carries no dates at all
        if (file !== 'real/heise-rdf-1.xml')
          expect(e.published, `${file}: ${e.title}`).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
    }
  });
});

afterAll(() => {
  const failed = [...summary.failed].sort(([a], [b]) => a.localeCompare(b));
  const lines = [
    `corpus: ${files.length} files, ${summary.parsed.length} parsed, ${failed.reduce((n, [, f]) => n + f.length, 0)} failed`,
    ...failed.map(([reason, list]) => `  ${reason} (${list.length}): ${list.join(', ')}`),
  ];
  console.log(lines.join('\n'));
});
