// A web role on real Redis under a random prefix, on a free port, with its log lines kept.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { ScenarioState } from '../../src/model/evidence.js';
import type { ReloadStatus } from '../../src/model/reload.js';
import type { Watchbook } from '../../src/model/watchbook.js';
import { RedisStore } from '../../src/store/index.js';
import { startWeb, type RunningWeb, type WebAuth } from '../../src/web/index.js';
import { deleteUnder, randomPrefix, REDIS_URL } from '../store/backends.js';

// prettier-ignore
export const WATCHBOOK: Watchbook = {
  watch: { id: 'w', title: 'Test watch', timezone: 'UTC', allowPrivate: false },
  scenarios: [
    { id: 'calm', title: 'Calm', prior: 0.7 },
    { id: 'risk', title: 'Risk', prior: 0.3 },
  ],
  indicators: [{ id: 'troops', title: 'Troop movements', halfLifeMs: 86_400_000, cap: 3, expectEveryMs: 7 * 86_400_000 }],
  sources: [
    { id: 'good-feed', type: 'rss', url: 'https://example.org/a.xml', everyMs: 600_000, credibility: 0.8, lang: 'en', tags: [] },
    { id: 'bad-feed', type: 'rss', url: 'https://example.org/b.xml', everyMs: 600_000, credibility: 0.8, lang: 'en', tags: [] },
  ],
  rules: [],
  tests: [],
  routes: { match: {}, continue: false, routes: [] },
  receivers: [],
  silences: [],
  inhibitRules: [],
  timeIntervals: {},
};

export function state(at: number, risk: number): ScenarioState {
  return {
    at,
    reference: 'calm',
    probabilities: { calm: 1 - risk, risk },
    logOdds: { calm: 0, risk: Math.log(risk / (1 - risk)) },
    priorLogOdds: { calm: 0, risk: 0 },
    contributions: {},
    uncapped: {},
    trail: [],
    counted: 0,
    ignored: 0,
  };
}

export interface Harness {
  web: RunningWeb;
  redis: Redis;
  store: RedisStore;
  prefix: string;
  logs: string[];
  reload: { status: ReloadStatus };
  close(): Promise<void>;
}

export async function harness(
  auth: WebAuth | undefined,
  opts: { watchbook?: Watchbook; pollMs?: number } = {},
): Promise<Harness> {
  const prefix = randomPrefix();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const logs: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const reload = { status: { ok: true, at: Date.now(), problems: [] } as ReloadStatus };
  const web = await startWeb({
    port: 0,
    host: '127.0.0.1',
    redis,
    prefix,
    watchbook: () => opts.watchbook ?? WATCHBOOK,
    ...(opts.pollMs && { pollMs: opts.pollMs }),
    reloadStatus: () => reload.status,
    log,
    auth,
  });
  const store = new RedisStore(redis, { prefix });
  return {
    web,
    redis,
    store,
    prefix,
    logs,
    reload,
    close: async () => {
      await web.close();
      await deleteUnder(redis, prefix);
      await redis.quit();
    },
  };
}

export function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
