// The worker's heap policy (src/cli/heap.ts): applied unless the operator started node with a growth of their own,
// and the flags every shipped way of starting it passes to node.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS, steadyHeap } from '../../src/cli/heap.js';

const run = promisify(execFile);
const HEAP_TS = new URL('../../src/cli/heap.ts', import.meta.url).href;

/**
 * The largest old space of a child that holds a rolling window of 50 batches of garbage (so they survive into
 * the old generation) beside a steady set, with or without steadyHeap().
 */
async function oldSpacePeak(apply: boolean): Promise<number> {
  const script = `
    const { steadyHeap } = await import(${JSON.stringify(HEAP_TS)});
    if (${apply}) steadyHeap([]);
    const v8 = await import('node:v8');
    const held = Array.from({ length: 200_000 }, (_, i) => ({ i, s: 'held ' + i }));
    const window = [];
    let peak = 0;
    for (let round = 0; round < 300; round++) {
      window[round % 50] = Array.from({ length: 10_000 }, (_, i) => ({ s: 'batch ' + i + ' ' + round }));
      const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
      peak = Math.max(peak, old.space_size);
    }
    console.log(JSON.stringify({ peak, held: held.length }));`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  return (JSON.parse(stdout.trim().split('\n').at(-1)!) as { peak: number }).peak;
}

describe('steadyHeap', () => {
  it('leaves an operator’s --heap-growing-percent alone, in either spelling', () => {
    expect(steadyHeap(['--heap-growing-percent=20'])).toBe(false);
    expect(steadyHeap(['--max-old-space-size=512', '--heap_growing_percent=30'])).toBe(false);
  });

  // Two children allocating for seconds each: a loaded machine stretches that several times over.
  it(
    'applies its own growth otherwise, and V8 takes it: the old space stays near what survives',
    { timeout: 120_000 },
    async () => {
      // Measured: about 130 MB with it, about 300 MB with V8's own growth, on the same work.
      const [steady, own] = await Promise.all([oldSpacePeak(true), oldSpacePeak(false)]);
      expect(steady).toBeLessThan(own * 0.7);
    },
  );
});

describe('NODE_FLAGS', () => {
  const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

  it('are passed by the Dockerfile, npm start and the signpost binary', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    expect(JSON.parse(cmd ?? '[]')).toStrictEqual(['node', ...NODE_FLAGS, 'dist/jobs/main.js', 'start']);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toContain(`node ${NODE_FLAGS.join(' ')} dist/jobs/main.js start`);
    expect(read('jobs/main.ts').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
  });

  it('give a young generation at its full size from the start', () => {
    const newSpace = (flags: readonly string[]) => {
      const script = `console.log(require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size)`;
      const out = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(out.stderr);
      return Number(out.stdout.trim());
    };
    // Semi-spaces of 16 MB; V8's own start is 1 MB, grown on demand and shrunk when the process looks idle.
    expect(newSpace(NODE_FLAGS)).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(newSpace([])).toBeLessThan(8 * 1024 * 1024);
  });
});
