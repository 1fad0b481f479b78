// checkSchedule, which every tick runs first: a store as a worker left it is left alone; one that lost its
// data (no sentinel) has its schedule rebuilt and every source marked to warm up, said once in the log; one
// missing sources (the schedule evicted alone) has them scheduled again. On MemoryStore, with a clock.
import { pino, type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { checkSchedule, type ScheduleCheck } from '../../src/pipeline/schedule.js';
import { MemoryStore } from '../../src/store/index.js';
import { T0, wb } from './tick-harness.js';

const ids = wb.sources.map((s) => s.id);

/** A logger whose lines are kept, as pino writes them (JSON). */
function logger(): { log: Logger; lines: { msg: string; level: number }[] } {
  const lines: { msg: string; level: number }[] = [];
  return {
    log: pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string; level: number }) },
    ),
    lines,
  };
}

// Table: [behaviour, how the store is before the tick, what checkSchedule finds, sources warming up].
const cases: [string, (store: MemoryStore) => Promise<void>, ScheduleCheck, number][] = [
  [
    'leaves a store as a worker left it alone',
    async (store) => {
      await store.markStarted(T0);
      for (const id of ids) await store.schedule(id, T0 + 60_000);
    },
    'ok',
    0,
  ],
  [
    'rebuilds the schedule of a store that lost its data, and warms every source up',
    () => Promise.resolve(),
    'recovered',
    ids.length,
  ],
  [
    'schedules again the sources missing from the schedule, warming none up',
    async (store) => {
      await store.markStarted(T0);
      await store.schedule(ids[0]!, T0 + 60_000);
    },
    'resynced',
    0,
  ],
];

describe('checkSchedule', () => {
  it.each(cases)('%s', async (_name, before, found, warming) => {
    const store = new MemoryStore();
    await before(store);
    const { log, lines } = logger();
    expect(await checkSchedule(store, wb, T0, log)).toBe(found);
    expect(Object.keys(await store.scheduled()).sort()).toEqual([...ids].sort());
    expect(await store.scheduleCheck()).toEqual({ sentinel: true, scheduled: ids.length });
    let warmed = 0;
    for (const id of ids) if (await store.warmUp(id, [`${id}:a`], T0)) warmed++;
    expect(warmed).toBe(warming);
    expect(lines.filter((l) => l.msg === 'Redis data lost: schedule rebuilt, first polls warm up')).toHaveLength(
      found === 'recovered' ? 1 : 0,
    );
    // The next tick finds all well.
    expect(await checkSchedule(store, wb, T0 + 5_000, log)).toBe('ok');
  });
});
