import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchbookFingerprint, watchWatchbook } from '../../src/config/reload.js';
import type { Watchbook } from '../../src/model/watchbook.js';

// An edit made while a process starts (after it read the watchbook, before its watcher looked) is
// reloaded: the watcher starts from the files as they were when the watchbook was read.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'signpost-reload-'));
  dirs.push(dir);
  cpSync(new URL('../fixtures/broken/valid-folder', import.meta.url).pathname, dir, { recursive: true });
  return dir;
}

/** Retitle the watch, dated a second later so the change shows whatever the filesystem's time resolution. */
function edit(dir: string): void {
  const file = join(dir, 'watchbook.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/title: [^\n]*/, 'title: Edited while starting'));
  const later = new Date(Date.now() + 1000);
  utimesSync(file, later, later);
}

async function until(probe: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!probe() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return probe();
}

describe('a watchbook edited while the process starts', () => {
  it('is reloaded when the watcher starts from the fingerprint taken before the load', async () => {
    const dir = folder();
    const loadedFrom = watchbookFingerprint(dir);
    edit(dir);
    const seen: Watchbook[] = [];
    const watcher = watchWatchbook(
      dir,
      (wb) => void seen.push(wb),
      () => undefined,
      { intervalMs: 20, loadedFrom },
    );
    try {
      expect(await until(() => seen.length > 0, 10_000)).toBe(true);
      expect(seen[0]!.watch.title).toBe('Edited while starting');
    } finally {
      watcher.stop();
    }
  });

  it('without it, takes the files it finds as the running ones and reloads nothing', async () => {
    const dir = folder();
    edit(dir);
    const seen: Watchbook[] = [];
    let checks = 0;
    const watcher = watchWatchbook(
      dir,
      (wb) => void seen.push(wb),
      () => undefined,
      { intervalMs: 20 },
    );
    try {
      // Several polls go by (each a fingerprint of the folder) with nothing to reload.
      await until(() => ++checks > 20, 2_000);
      expect(seen).toEqual([]);
    } finally {
      watcher.stop();
    }
  });
});
