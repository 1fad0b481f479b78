// The sentinel and the warm-up marks, on both stores: how a worker tells that Redis lost its data, and how
// the first poll of each source afterwards marks its items seen instead of alerting them (src/pipeline/schedule.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import { MIN, T0 } from './fixtures.js';

const backends: Backend[] = [redisBackend(), memoryBackend()];

describe.each(backends)('$name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  const open = (): { store: Store; peer: Store } => backend.open();

  it('writes the sentinel once: the first start finds the store new, later starts do not', async () => {
    const { store, peer } = open();
    expect(await store.scheduleCheck()).toEqual({ sentinel: false, scheduled: 0 });
    expect(await store.markStarted(T0)).toBe(true);
    expect(await peer.markStarted(T0 + MIN)).toBe(false);
    await store.schedule('kiis', T0);
    await store.schedule('razumkov', T0);
    expect(await peer.scheduleCheck()).toEqual({ sentinel: true, scheduled: 2 });
  });

  it('recovers lost data once, however many workers race for it, marking each source to warm up', async () => {
    const { store, peer } = open();
    const won = await Promise.all([
      store.recoverLostData(['kiis', 'razumkov'], T0),
      peer.recoverLostData(['kiis', 'razumkov'], T0),
    ]);
    expect(won.filter(Boolean)).toHaveLength(1);
    expect((await store.scheduleCheck()).sentinel).toBe(true);
    expect(await store.recoverLostData(['kiis'], T0 + MIN)).toBe(false);
  });

  it('warms a marked source up once: its keys are seen after, and a source not marked writes nothing', async () => {
    const { store, peer } = open();
    await store.recoverLostData(['kiis'], T0);
    expect(await store.warmUp('razumkov', ['razumkov:a'], T0)).toBe(false);
    expect(await store.isSeen(['razumkov:a'], T0)).toEqual([false]);
    const once = await Promise.all([
      store.warmUp('kiis', ['kiis:a', 'kiis:b'], T0),
      peer.warmUp('kiis', ['kiis:a', 'kiis:b'], T0),
    ]);
    expect(once.filter(Boolean)).toHaveLength(1);
    expect(await store.isSeen(['kiis:a', 'kiis:b', 'kiis:c'], T0 + MIN)).toEqual([true, true, false]);
    expect(await store.warmUp('kiis', ['kiis:c'], T0 + MIN)).toBe(false);
    expect(await store.markSeen(['kiis:a', 'kiis:c'], T0 + MIN)).toEqual([false, true]);
  });

  it('warms up any source while the sentinel is missing: a fetch in flight when the data went', async () => {
    const { store } = open();
    expect(await store.warmUp('kiis', ['kiis:a'], T0)).toBe(true);
    expect(await store.isSeen(['kiis:a'], T0)).toEqual([true]);
    expect((await store.scheduleCheck()).sentinel).toBe(false);
  });

  it('does not warm up after a first start: the sentinel written at start leaves nothing marked', async () => {
    const { store } = open();
    await store.markStarted(T0);
    expect(await store.recoverLostData(['kiis'], T0)).toBe(false);
    expect(await store.warmUp('kiis', ['kiis:a'], T0)).toBe(false);
  });
});
