// Many sources on one schedule: N sources (20,000 by default) every 5 minutes, on H loopback hosts (the
// fetcher's politeness is per host:port), polled by `signpost worker` processes for a real window of
// minutes, timed by the wall clock. Nothing is time-scaled: the schedule starts as a running worker leaves
// it, each source's next check spread evenly over one interval and its ETag known, so most polls answer
// 304; one source in twenty has a new item at every poll (a 200 and a score job).
//
//   polls_per_s        feed requests the hosts saw in the window, per second (robots.txt not counted)
//   tick_lag_ms.p99    for each source due in the window: its feed request's time minus its due time (a
//                      source still unpolled at the end counts with the time it has waited: a lower bound).
//                      Steady state: the warm-up before the window is the start-up (each process loading
//                      N sources and reading robots.txt of every host before its first feed there, a second
//                      later), whose lag is reported apart (startupLagP99, sources due in the warm-up)
//   poll_period_error  the mean poll period over the configured one, the larger of two estimates: the
//                      configured poll rate (N / interval) over the measured one (a worker that cannot keep
//                      up polls each source less often), and the mean of (next check the worker scheduled
//                      minus the check it served) over the interval (a schedule that drifts by each poll's lag)
//   rss_mb             the largest worker VmRSS at the end of the window
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { rssItems, rssHead, rssTail } from '../../test/worker/helpers/feeds.js';
import { startServer, type TestServer } from '../../test/helpers/server.js';
import { startWebhookServer } from '../../test/helpers/slack.js';
import {
  killAll,
  logsWith,
  signalAndWait,
  spawnWorker,
  type WorkerProcess,
} from '../../test/worker/helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL } from '../../test/worker/helpers/redis.js';
import { log, percentile, rssMb, sleep, type Core } from './common.js';

export interface ScaleOptions {
  sources: number;
  hosts: number;
  everyMs: number;
  processes: number;
  /** Measured window, after `warmMs` from the first due time (robots.txt of every host, JIT). */
  windowMs: number;
  warmMs: number;
  /** From the seeding to the first due time: the workers' start-up (loading N sources). */
  leadMs: number;
}

export interface Scale {
  sources: number;
  pollsPerS: number;
  tickLagP99: number;
  /** The same over the sources due in the warm-up: the start-up backlog. */
  startupLagP99: number;
  pollPeriodError: number;
  rssMb: number;
  /** Sources due in the window, and how many of them were not polled by its end. */
  due: number;
  unpolled: number;
  notModified: number;
}

const ETAG = '"v1"';
const CHANGING = 20;

export async function scale(core: Core, redis: Redis, o: ScaleOptions): Promise<Scale> {
  const ids = Array.from({ length: o.sources }, (_, i) => `s${String(i).padStart(5, '0')}`);
  const polls: number[][] = ids.map(() => []);
  let notModified = 0;
  const servers: TestServer[] = [];
  for (let h = 0; h < o.hosts; h++) {
    servers.push(
      await startServer((req, res) => {
        const m = /^\/f\/(\d+)\.xml$/.exec(req.url ?? '');
        if (!m) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        const i = Number(m[1]);
        const n = polls[i]!.push(Date.now());
        if (i % CHANGING !== 0 && req.headers['if-none-match'] === ETAG) {
          notModified++;
          return void res.writeHead(304, { etag: ETAG }).end();
        }
        // The changing sources: a new (quiet) item at every poll.
        const entries = [
          {
            guid: `${ids[i]}-${n}`,
            title: `${ids[i]} routine notice ${n}`,
            link: `http://news.example.org/${ids[i]}/${n}`,
            published: new Date(),
          },
        ];
        res
          .writeHead(200, {
            'content-type': 'application/rss+xml; charset=utf-8',
            etag: i % CHANGING === 0 ? `"n${n}"` : ETAG,
          })
          .end(rssHead(ids[i]!) + rssItems(entries) + rssTail);
      }),
    );
  }
  const slack = await startWebhookServer((_req, res) => void res.writeHead(200).end('ok'));
  const dir = mkdtempSync(join(tmpdir(), 'signpost-bench-scale-'));
  mkdirSync(join(dir, 'rules'));
  const everyS = `${Math.round(o.everyMs / 1000)}s`;
  writeFileSync(
    join(dir, 'watchbook.yaml'),
    stringify({
      version: 1,
      watch: { id: 'bench-scale', title: 'Bench', allow_private: true },
      scenarios: { baseline: { title: 'Baseline', prior: 0.6 }, risk: { title: 'Risk', prior: 0.4 } },
      indicators: { signal: { title: 'Signal' } },
      routes: { receiver: 'desk' },
      receivers: { desk: { slack: { webhook: `${slack.url}/desk` } } },
    }),
  );
  // Source i on host i mod H, so sources due one after another are on different hosts; in files of 5,000
  // (a watchbook file may be at most 1 MiB; lists from every file of the folder are one list).
  const entries = ids.map((id, i) => ({
    id,
    type: 'rss',
    url: `${servers[i % o.hosts]!.url}/f/${i}.xml`,
    every: everyS,
    credibility: 0.8,
    lang: 'en',
  }));
  for (let k = 0; k * 5_000 < entries.length; k++)
    writeFileSync(
      join(dir, 'rules', `sources-${k}.yaml`),
      stringify({ sources: entries.slice(k * 5_000, (k + 1) * 5_000) }),
    );
  writeFileSync(
    join(dir, 'rules', 'bench.yaml'),
    stringify({ rules: [{ id: 'r000', indicator: 'signal', match: ['relmark000'], evidence: { baseline: 'weak' } }] }),
  );
  const prefix = randomPrefix('bench-scale');
  const keys = core.store.storeKeys(prefix);
  const workers: WorkerProcess[] = [];
  try {
    // The schedule and validators as a running worker leaves them: next checks spread over one interval.
    const first = Date.now() + o.leadMs;
    const dueAt = ids.map((_, i) => first + Math.floor((i * o.everyMs) / o.sources));
    await new core.store.RedisStore(redis, { prefix }).markStarted(Date.now());
    for (let at = 0; at < ids.length; at += 1000) {
      const batch = redis.pipeline();
      for (let i = at; i < Math.min(ids.length, at + 1000); i++) {
        batch.zadd(keys.schedule, dueAt[i]!, ids[i]!);
        batch.hset(keys.validators, ids[i]!, JSON.stringify({ etag: ETAG }));
      }
      await batch.exec();
    }
    for (let p = 0; p < o.processes; p++)
      workers.push(
        spawnWorker(`s${p + 1}`, {
          config: dir,
          prefix,
          redisUrl: REDIS_URL,
          logLevel: 'warn',
          env: { LOG_LEVEL: 'warn' },
        }),
      );
    const start = first + o.warmMs;
    const end = start + o.windowMs;
    let last = 0;
    while (Date.now() < end + 5_000) {
      const dead = workers.find((w) => w.exited());
      if (dead) throw new Error(`worker ${dead.name} exited early: ${dead.text.slice(-5).join(' / ')}`);
      if (Date.now() - last > 10_000) {
        last = Date.now();
        const inWindow = polls.reduce((n, p) => n + p.filter((t) => t >= start && t <= Date.now()).length, 0);
        const rate = Date.now() > start ? (inWindow / (Date.now() - start)) * 1000 : 0;
        log(
          `  scale: ${((Date.now() - first) / 1000).toFixed(0)} s since the first due time, ${polls.reduce((n, p) => n + p.length, 0)} polls, ${rate.toFixed(1)}/s in the window so far, rss ${workers.map((w) => (rssMb(w.pid) ?? 0).toFixed(0)).join('/')} MiB`,
        );
      }
      await sleep(500);
    }
    const rss = Math.max(...workers.map((w) => rssMb(w.pid) ?? 0));
    const stop = Date.now();
    const scheduled = new Map<string, number>();
    const pairs = await redis.zrange(keys.schedule, 0, -1, 'WITHSCORES');
    for (let k = 0; k < pairs.length; k += 2) scheduled.set(pairs[k]!, Number(pairs[k + 1]));
    for (const w of workers) {
      const failed = logsWith(w, 'Job failed');
      if (failed.length) log(`  worker ${w.name}: ${failed.length} failed jobs, e.g. ${JSON.stringify(failed[0])}`);
      await signalAndWait(w, 'SIGTERM', 25_000).catch(() => undefined);
    }

    const inWindow = polls.reduce((n, p) => n + p.filter((t) => t >= start && t < end).length, 0);
    const pollsPerS = (inWindow / o.windowMs) * 1000;
    const lags: number[] = [];
    const startupLags: number[] = [];
    const periods: number[] = [];
    let unpolled = 0;
    ids.forEach((id, i) => {
      const due = dueAt[i]!;
      if (due < start) {
        const t = polls[i]!.find((x) => x >= due - 1_000);
        startupLags.push((t ?? stop) - due);
        return;
      }
      if (due >= end) return;
      const t = polls[i]!.find((x) => x >= due - 1_000);
      if (t === undefined) {
        unpolled++;
        lags.push(stop - due);
        return;
      }
      lags.push(t - due);
      const next = scheduled.get(id);
      if (next !== undefined && next > due) periods.push(next - due);
    });
    const rateError = o.sources / (o.everyMs / 1000) / pollsPerS;
    const scheduleError = periods.length ? periods.reduce((a, b) => a + b, 0) / periods.length / o.everyMs : Infinity;
    log(
      `  scale: ${inWindow} polls in ${o.windowMs / 1000} s; ${lags.length} sources due in the window, ${unpolled} not polled; period error by rate ${rateError.toFixed(3)}, by schedule ${scheduleError.toFixed(3)}; lag p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms; ${notModified} answered 304`,
    );
    log(
      `  scale: start-up (${startupLags.length} sources due in the ${o.warmMs / 1000} s warm-up): lag p50 ${percentile(startupLags, 50)} ms, p99 ${percentile(startupLags, 99)} ms`,
    );
    return {
      sources: o.sources,
      pollsPerS,
      tickLagP99: percentile(lags, 99),
      startupLagP99: percentile(startupLags, 99),
      pollPeriodError: Math.max(rateError, scheduleError),
      rssMb: rss,
      due: lags.length,
      unpolled,
      notModified,
    };
  } finally {
    await killAll(workers);
    await Promise.all(servers.map((s) => s.close()));
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
    await deleteUnder(redis, prefix);
  }
}
