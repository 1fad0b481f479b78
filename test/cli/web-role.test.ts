// The web role's watchbook: beside a worker it shows the one the worker runs (one watcher a process); alone it watches the files.
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebRole } from '../../src/cli/web.js';
import { loadWatchbookOrThrow, watchbookFingerprint } from '../../src/config/index.js';
import type { ReloadStatus } from '../../src/model/reload.js';
import type { Watchbook } from '../../src/model/watchbook.js';
import { deleteUnder, randomPrefix, REDIS_URL } from '../store/backends.js';

const ENV = [
  'REDIS_URL',
  'SIGNPOST_PREFIX',
  'SIGNPOST_WEB_USER',
  'SIGNPOST_WEB_PASSWORD',
  'SIGNPOST_WEB_ADMIN',
] as const;
const saved: Partial<Record<(typeof ENV)[number], string>> = {};
const cleanup: (() => Promise<void> | void)[] = [];
let prefix = '';

beforeEach(() => {
  for (const k of ENV) saved[k] = process.env[k];
  prefix = randomPrefix();
  Object.assign(process.env, {
    REDIS_URL,
    SIGNPOST_PREFIX: prefix,
    SIGNPOST_WEB_USER: 'ana',
    SIGNPOST_WEB_PASSWORD: 'lyst',
  });
  delete process.env.SIGNPOST_WEB_ADMIN;
});

afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
  for (const k of ENV)
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  const redis = new Redis(REDIS_URL);
  await deleteUnder(redis, prefix);
  await redis.quit();
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'signpost-web-role-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(new URL('../fixtures/broken/valid-folder', import.meta.url).pathname, dir, { recursive: true });
  return dir;
}

/** Retitle the watch on disk, dated a second later so the change shows whatever the filesystem's time resolution. */
function retitle(dir: string, title: string): void {
  const file = join(dir, 'watchbook.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/title: Test watch/, `title: ${title}`));
  const later = new Date(Date.now() + 1000);
  utimesSync(file, later, later);
}

function retitled(wb: Watchbook, title: string): Watchbook {
  return { ...wb, watch: { ...wb.watch, title } };
}

async function start(opts: Omit<Parameters<typeof startWebRole>[0], 'port' | 'log'>): Promise<string> {
  const web = await startWebRole({ ...opts, port: 0, log: pino({ level: 'silent' }) });
  cleanup.push(() => web.stop());
  return web.url;
}

async function heading(url: string): Promise<string | undefined> {
  const r = await fetch(new URL('/', url), {
    headers: { authorization: `Basic ${Buffer.from('ana:lyst').toString('base64')}` },
  });
  expect(r.status).toBe(200);
  return /<h1>([^<]*)<\/h1>/.exec(await r.text())?.[1];
}

describe('the web role beside a worker (signpost start)', () => {
  it('shows the watchbook the worker runs now, not its own reading of the files', async () => {
    const dir = folder();
    const loaded = loadWatchbookOrThrow(dir);
    let running = loaded;
    const url = await start({
      config: dir,
      watchbook: loaded,
      follow: { watchbook: () => running, reloadStatus: () => ({ ok: true, at: 0, problems: [] }) },
    });
    expect(await heading(url)).toBe('Test watch');
    // The worker swapped its watchbook; the files did not change, so a watcher of the role's own would not.
    running = retitled(loaded, 'Swapped by the worker');
    expect(await heading(url)).toBe('Swapped by the worker');
  });

  it('reports the worker reload status on /readyz', async () => {
    const dir = folder();
    const loaded = loadWatchbookOrThrow(dir);
    const status: ReloadStatus = { ok: false, at: 0, problems: ['watchbook.yaml:3:1: bad edit'] };
    const url = await start({
      config: dir,
      watchbook: loaded,
      follow: { watchbook: () => loaded, reloadStatus: () => status },
    });
    const body = (await (await fetch(new URL('/readyz', url))).json()) as {
      warnings?: string[];
      checks: Record<string, string>;
    };
    expect(body.warnings).toEqual(['watchbook']);
    expect(body.checks.watchbook).toBe(
      'running the last good watchbook; last reload refused: watchbook.yaml:3:1: bad edit',
    );
  });
});

describe('the web role alone (signpost web)', () => {
  it('watches the files itself and shows an edit once it is valid', async () => {
    const dir = folder();
    const loadedFrom = watchbookFingerprint(dir);
    const url = await start({ config: dir, watchbook: loadWatchbookOrThrow(dir), loadedFrom });
    expect(await heading(url)).toBe('Test watch');
    retitle(dir, 'Edited on disk');
    await expect.poll(() => heading(url), { timeout: 30_000, interval: 100 }).toBe('Edited on disk');
  });
});
