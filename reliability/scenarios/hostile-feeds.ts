// Issue 12, defect 8: hostile pages and feeds (deep nesting, entity expansion, floods of made-up entities)
// could hang or crash the worker. One worker polls five sources:
//   s0000 an html list page of two items, the first nesting 100,000 divs (scaled 20,000): both items read
//   s0001 an RSS feed whose quiet item's description nests 10,000 elements (scaled 5,000), beside two good items
//   s0002 an RSS feed with a DOCTYPE entity of 1 MiB used 600 times: refused as a whole
//   s0003 an RSS item whose description holds 900,000 distinct unknown entities (scaled 200,000), kept as written
//   s0004 a plain feed with items arriving throughout: the canary that the worker keeps working
// The worker must stay up; s0002 must record a failure with a reason (parse-error) and back off (its next
// check later than its interval); every item that should alert (both of s0000, the two good ones of s0001,
// the one of s0003, the canary's) must reach Slack once; and each fetch must end (logged as fetched or
// failed) within FETCH_BOUND_MS of its request.
import { writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { RedisStore } from '../../src/store/index.js';
import { startServer, type TestServer } from '../../test/helpers/server.js';
import { rssFeed } from '../../test/worker/helpers/feeds.js';
import { spawnWorker } from '../../test/worker/helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL } from '../../test/worker/helpers/redis.js';
import { item, makeBook, marker, sourceId } from '../lib/book.js';
import type { TimedEntry } from '../lib/feeds.js';
import { reap } from '../lib/reaper.js';
import { startSlack } from '../lib/receivers.js';
import type { Scenario } from '../lib/scenario.js';
import { sample, seconds, sleep, tally, waitUntil } from '../lib/tally.js';

const FETCH_BOUND_MS = 20_000;
const CANARY_ITEMS = 8;

const nested = (depth: number, inner: string, tag = 'div') =>
  `<${tag}>`.repeat(depth) + inner + `</${tag}>`.repeat(depth);
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const rss = (items: string, doctype = '') =>
  `<?xml version="1.0"?>${doctype}<rss version="2.0"><channel><title>Wire</title><link>http://hostile.example.org/</link>${items}</channel></rss>`;
const rssItem = (guid: string, title: string, description = '') =>
  `<item><guid isPermaLink="false">${guid}</guid><title>${title}</title><link>http://news.example.org/${guid}</link>${description && `<description>${description}</description>`}</item>`;
const title = (guid: string, k: number) => `${guid} bulletin ${marker(k)}`;

// prettier-ignore
export const scenario: Scenario = {
  name: 'hostile-feeds',
  budgetMs: { scaled: 120_000, full: 240_000 },
  async run({ full, deadline, scope, log }) {
    const size = full ? { divs: 100_000, descDepth: 10_000, unknown: 900_000 } : { divs: 20_000, descDepth: 5_000, unknown: 200_000 };
    const ids = Array.from({ length: 5 }, (_, n) => sourceId(n));
    const [html, mixed, bomb, unknown, canary] = ids as [string, string, string, string, string];
    const prefix = randomPrefix('rel');
    const redis = scope.defer('redis client', new Redis(REDIS_URL, { maxRetriesPerRequest: 1 }), (r) => r.disconnect());
    scope.defer(`keys under ${prefix}`, redis, async (r) => void (await deleteUnder(r, prefix)));

    const g = (id: string, k: number) => `rel-${id}-i${String(k).padStart(4, '0')}`;
    const bodies = new Map<string, string>();
    bodies.set(
      html,
      `<html><body><article><h2><a href="/${g(html, 0)}">${title(g(html, 0), 0)}</a></h2>${nested(size.divs, 'deep summary')}</article>` +
        `<article><h2><a href="/${g(html, 1)}">${title(g(html, 1), 1)}</a></h2><div>plain summary</div></article></body></html>`,
    );
    bodies.set(mixed, rss(rssItem(`rel-${mixed}-q0000`, `rel-${mixed}-q0000 routine notice`, escapeXml(nested(size.descDepth, 'inside'))) + rssItem(g(mixed, 0), title(g(mixed, 0), 0), 'fine') + rssItem(g(mixed, 1), title(g(mixed, 1), 1), 'fine')));
    bodies.set(bomb, rss(rssItem(g(bomb, 0), title(g(bomb, 0), 0), '&big;'.repeat(600)), `<!DOCTYPE rss [<!ENTITY big "${'x'.repeat(1 << 20)}">]>`));
    const names = Array.from({ length: size.unknown }, (_, i) => `&u${i.toString(36)};`).join(' ');
    bodies.set(unknown, rss(rssItem(g(unknown, 0), title(g(unknown, 0), 0), `Talks ${names} &amp;Kcy;`)));
    const canaryEntries: TimedEntry[] = [];
    const t0 = Date.now() + 2_000;
    for (let k = 0; k < CANARY_ITEMS; k++) canaryEntries.push(item(canary, k, t0 + k * 2_500, { rules: CANARY_ITEMS }));
    const requests = new Map<string, number[]>(ids.map((id) => [id, []]));
    const servers: TestServer[] = [];
    for (const id of ids) {
      servers.push(
        scope.defer(
          `feed ${id}`,
          await startServer((req, res) => {
            if (req.url !== '/feed') return void res.writeHead(404).end();
            requests.get(id)!.push(Date.now());
            const body = id === canary ? rssFeed(id, canaryEntries.filter((e) => e.visibleAt <= Date.now())) : bodies.get(id)!;
            res.writeHead(200, { 'content-type': id === html ? 'text/html; charset=utf-8' : 'application/rss+xml; charset=utf-8' }).end(body);
          }),
          (s) => s.close(),
        ),
      );
    }
    const slack = scope.defer('Slack stand-in', await startSlack(), (s) => s.close());
    const book = scope.defer('watchbook folder', makeBook({ sources: ids.map((id, n) => ({ id, url: `${servers[n]!.url}/feed`, every: '2s' })), rules: CANARY_ITEMS, slackUrl: slack.url }), (b) => b.remove());
    const wb = parse(book.good.watchbook) as { sources: Record<string, unknown>[] };
    Object.assign(wb.sources[0]!, { type: 'html', select: { item: 'article', title: 'h2 a', link: 'h2 a@href', summary: 'div' } });
    writeFileSync(book.watchbookPath, stringify(wb));

    const expected = new Set([g(html, 0), g(html, 1), g(mixed, 0), g(mixed, 1), g(unknown, 0), ...canaryEntries.map((e) => e.guid)]);
    log(
      `html page nesting ${size.divs} divs (${(bodies.get(html)!.length / 1048576).toFixed(1)} MiB), RSS description nesting ${size.descDepth}, a 1 MiB entity used 600 times, ${size.unknown} unknown entities (${(bodies.get(unknown)!.length / 1048576).toFixed(1)} MiB), a canary; expect ${expected.size} alerts once each, the entity bomb refused with a reason and backed off, each fetch done within ${FETCH_BOUND_MS / 1000} s`,
    );

    const w = spawnWorker('w', { config: book.dir, prefix, redisUrl: REDIS_URL });
    reap(w.child);
    scope.defer('worker', w, async (p) => {
      if (!p.exited()) p.child.kill('SIGKILL');
      await p.exit;
    });
    const store = new RedisStore(redis, { prefix });
    await waitUntil(async () => {
      const h = await store.getHealth(bomb);
      return ([...expected].every((id) => slack.firstAt.has(id)) && (h?.consecutiveFailures ?? 0) >= 3) || w.exited() !== undefined;
    }, deadline, 500);
    await sleep(Math.min(3_000, deadline - Date.now()));

    // Each fetch: from its request to the worker's line saying it was fetched or failed.
    const ends = (id: string) => w.logs.filter((l) => l.source_id === id && (l.msg === 'Source fetched' || typeof l.reason === 'string')).map((l) => Number(l.time));
    const slow: string[] = [];
    for (const id of ids) {
      const reqs = requests.get(id)!;
      const done = ends(id);
      const spans = reqs.map((at) => {
        const end = done.find((t) => t >= at);
        return end === undefined ? Infinity : end - at;
      });
      // The last request may still be in flight when the scenario ends.
      const judged = spans.slice(0, Math.max(1, spans.length - 1));
      const worst = Math.max(...judged);
      if (!(worst <= FETCH_BOUND_MS)) slow.push(id);
      const h = await store.getHealth(id);
      const warnings = w.logs.filter((l) => l.source_id === id && l.msg === 'Source fetched with a warning').map((l) => String(l.warning));
      log(
        `${id}: ${reqs.length} requests, slowest fetch ${Number.isFinite(worst) ? `${seconds(worst)} s` : 'never ended'}; health: ${h ? `failures ${h.consecutiveFailures}${h.lastError ? ` (${h.lastError.reason}: ${h.lastError.message.slice(0, 120)})` : ''}, next check ${h.lastAttemptAt ? `${seconds(h.nextCheckAt - h.lastAttemptAt)} s after the last attempt` : `at ${h.nextCheckAt}`}, items last fetch ${h.itemsLastFetch}` : 'none'}${warnings.length ? `; warning: ${warnings[0]!.slice(0, 120)}` : ''}`,
      );
    }
    const hb = await store.getHealth(bomb);
    const backedOff = Boolean(hb && hb.consecutiveFailures >= 2 && hb.lastError?.reason === 'parse-error' && hb.lastAttemptAt !== undefined && hb.nextCheckAt - hb.lastAttemptAt > 2_000);
    const others = await Promise.all([html, mixed, unknown, canary].map((id) => store.getHealth(id)));
    const othersHealthy = others.every((h) => h !== undefined && h.consecutiveFailures === 0 && h.lastSuccessAt !== undefined);
    log(`entity bomb: failure with a reason and a backoff: ${backedOff}; the other sources fetched without failure: ${othersHealthy}`);

    const t = tally(expected, slack.accepted);
    log(`expected ${t.expected} alerts at Slack, each once; saw ${t.processed} distinct, lost ${t.lost} (${sample(t.lostIds)}), duplicated ${t.duplicated} (${sample(t.duplicatedIds)}), unexpected ${t.unexpected}, malformed ${slack.malformed}`);
    const exit = w.exited();
    log(`worker ${exit ? `EXITED ${JSON.stringify(exit)}: ${w.text.slice(-3).join(' / ')}` : 'running'}; started ${w.logs.filter((l) => l.msg === 'Worker started').length} time(s); fetches over the bound: ${slow.join(', ') || 'none'}`);
    return {
      name: scenario.name,
      expected: t.expected,
      processed: t.processed,
      lost: t.lost,
      duplicated: t.duplicated,
      recovered_s: 0,
      pass: !exit && t.lost === 0 && t.duplicated === 0 && t.unexpected === 0 && backedOff && othersHealthy && slow.length === 0,
    };
  },
};
