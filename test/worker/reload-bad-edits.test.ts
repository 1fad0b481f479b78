import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parseDocument } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { yamlAliasBomb } from '../helpers/bombs.js';
import { killAll, logsWith, signalAndWait, spawnWorker, type WorkerProcess } from './helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL, until } from './helpers/redis.js';
import { makeWatchbookDir, type WatchbookDir } from './helpers/watchbook.js';

// Edits that once threw inside the hot-reload timer and ended the process, the web role with it: an alias
// bomb in a rules file, and a folder named like a rules file. `signpost start` (worker and web role in one
// process, each watching the watchbook) must refuse each, report it in its log, on /readyz and in
// /metrics, keep running on the watchbook it has, and take the next good edit.

const REFUSED = 'Watchbook edit refused; the running watchbook stays';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function readyz(url: string): Promise<{ checks: Record<string, string> }> {
  return (await (await fetch(`${url}/readyz`)).json()) as { checks: Record<string, string> };
}

async function reloadOkMetric(url: string): Promise<string | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return /^signpost_config_reload_ok (\d+)$/m.exec(text)?.[1];
}

describe('signpost start with a bad edit to its watchbook', () => {
  it('refuses an alias bomb and a folder named like a rules file, stays up, and takes the next good edit', async () => {
    const prefix = randomPrefix();
    const book: WatchbookDir = makeWatchbookDir([{ id: 'idle', url: 'http://127.0.0.1:9/feed.xml', every: '1h' }]);
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const w: WorkerProcess = spawnWorker('w', {
      command: 'start',
      config: book.dir,
      prefix,
      redisUrl: REDIS_URL,
      env: { PORT: '0' },
    });
    cleanup = async () => {
      await killAll([w]);
      book.remove();
      await deleteUnder(redis, prefix);
      redis.disconnect();
    };
    const alive = () => (w.exited() ? `exited ${JSON.stringify(w.exited())}; stderr: ${w.text.join('\n')}` : 'running');
    const refusal = (text: string) => () => logsWith(w, REFUSED).find((l) => String(l.problem).includes(text));

    const started = await until('the web role to start', () => logsWith(w, 'Web started')[0], 30_000, {
      describe: alive,
    });
    const url = String(started.url);
    await until('the worker to start', () => logsWith(w, 'Worker started')[0], 30_000, { describe: alive });

    // 1. An alias bomb: a few hundred bytes that would expand to hundreds of millions of strings.
    const bomb = join(book.dir, 'rules', 'bomb.yaml');
    writeFileSync(bomb, yamlAliasBomb());
    const bombRefused = await until('the alias bomb refused', refusal('bomb.yaml'), 20_000, { describe: alive });
    expect(bombRefused.problem).toBe(
      `${bomb}:2:8: YAML aliases expand to too many nodes (more than 100): refused as an alias bomb`,
    );
    expect(w.exited()).toBeUndefined();
    expect((await readyz(url)).checks.watchbook).toContain('refused as an alias bomb');
    expect(await reloadOkMetric(url)).toBe('0');

    // 2. A folder where a rules file would be.
    rmSync(bomb);
    const folder = join(book.dir, 'rules', 'x.yaml');
    mkdirSync(folder);
    const folderRefused = await until('the folder refused', refusal('x.yaml'), 20_000, { describe: alive });
    expect(folderRefused.problem).toBe(`${folder}:1:1: a folder, where a YAML file was expected: rename or remove it`);
    expect(w.exited()).toBeUndefined();
    expect((await readyz(url)).checks.watchbook).toContain('a folder, where a YAML file was expected');

    // 3. A good edit after them: the folder gone and a second source added.
    rmSync(folder, { recursive: true });
    const main = join(book.dir, 'watchbook.yaml');
    const doc = parseDocument(readFileSync(main, 'utf8'));
    doc.addIn(
      ['sources'],
      doc.createNode({
        id: 'idle-two',
        type: 'rss',
        url: 'http://127.0.0.1:9/two.xml',
        every: '1h',
        credibility: 0.5,
        lang: 'en',
      }),
    );
    writeFileSync(main, doc.toString());
    const reloaded = await until(
      'the good edit applied',
      () => logsWith(w, 'Watchbook reloaded').find((l) => l.sources === 2),
      20_000,
      { describe: alive },
    );
    expect(reloaded.sources).toBe(2);
    await until(
      '/readyz to show the watchbook ok',
      async () => ((await readyz(url)).checks.watchbook === 'ok' ? true : undefined),
      10_000,
    );
    expect(await reloadOkMetric(url)).toBe('1');

    expect(w.exited()).toBeUndefined();
    const exit = await signalAndWait(w, 'SIGTERM', 25_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
  }, 90_000);
});
