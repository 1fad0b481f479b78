// Issue 12, defect 6: a secret in a source URL (`?token=${FEED_TOKEN}`, or in the path) leaked into errors,
// health records, alerts, logs and pages. `signpost start` (worker and web role) runs with FEED_TOKEN set, on
// three sources: one redirecting (with the token) to a 500, one with the token in its path answering 404,
// one good. Once the failing sources have alerted on-call and the good one has been fetched, every surface is
// searched for the token: Redis (every key and value under the prefix), the process's log lines, the Slack
// messages, the web pages /, /readyz, /metrics, /queues and the job board's API for every queue and status,
// and `signpost fetch` of each source. expected = surfaces, processed = surfaces clean, lost = surfaces that
// leak. The feeds must have been asked with the token (else nothing was tested), and the health record must
// show the URL with the variable in place of its value.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { QUEUE } from '../../src/queue/index.js';
import { RedisStore } from '../../src/store/index.js';
import { startServer } from '../../test/helpers/server.js';
import { startWebhookServer } from '../../test/helpers/slack.js';
import { deleteUnder, keysUnder, randomPrefix, REDIS_URL } from '../../test/worker/helpers/redis.js';
import { basicAuth, runCli, spawnWeb } from '../lib/cli.js';
import type { Scenario } from '../lib/scenario.js';
import { seconds, sleep, waitUntil } from '../lib/tally.js';

const VIEWER = { user: 'viewer', password: 'viewer-password-1' };

export const scenario: Scenario = {
  name: 'secrets-in-urls',
  budgetMs: { scaled: 90_000, full: 120_000 },
  async run({ deadline, scope, log }) {
    const token = `tok-${randomBytes(12).toString('hex')}`;
    const prefix = randomPrefix('rel');
    const redis = scope.defer('redis client', new Redis(REDIS_URL, { maxRetriesPerRequest: 1 }), (r) => r.disconnect());
    scope.defer(`keys under ${prefix}`, redis, async (r) => void (await deleteUnder(r, prefix)));
    const requested: string[] = [];
    const rss =
      '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid isPermaLink="false">a</guid><title>Nothing to see</title></item></channel></rss>';
    const feeds = scope.defer(
      'feeds',
      await startServer((req, res) => {
        const path = req.url ?? '/';
        requested.push(path);
        if (path === `/bad?token=${token}`)
          return void res.writeHead(302, { location: `/bad-moved?token=${token}` }).end();
        if (path === `/bad-moved?token=${token}`) return void res.writeHead(500).end('down');
        if (path === `/good.xml?token=${token}`)
          return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss);
        res.writeHead(404).end('not here');
      }),
      (s) => s.close(),
    );
    const slack = scope.defer(
      'Slack stand-in',
      await startWebhookServer((_req, res) => void res.writeHead(200).end('ok')),
      (s) => s.close(),
    );
    const dir = scope.defer('watchbook folder', mkdtempSync(join(tmpdir(), 'signpost-reliability-')), (d) =>
      rmSync(d, { recursive: true, force: true }),
    );
    writeFileSync(
      join(dir, 'watchbook.yaml'),
      [
        'version: 1',
        'watch: { id: secrets, title: "Secrets watch", allow_private: true }',
        'scenarios: { calm: { title: Calm, prior: 0.6 }, risk: { title: Risk, prior: 0.4 } }',
        'indicators: { ind: { title: Indicator } }',
        'rules: [{ id: r, indicator: ind, match: zebracorn, evidence: { risk: strong } }]',
        'sources:',
        `  - { id: bad, type: rss, url: "${feeds.url}/bad?token=\${FEED_TOKEN}", every: 1s, credibility: 0.8, lang: en }`,
        `  - { id: hidden, type: rss, url: "${feeds.url}/p/\${FEED_TOKEN}/feed.xml", every: 1s, credibility: 0.8, lang: en }`,
        `  - { id: good, type: rss, url: "${feeds.url}/good.xml?token=\${FEED_TOKEN}", every: 1s, credibility: 0.8, lang: en }`,
        'routes: { receiver: oncall, group_by: [source], group_wait: 1s, group_interval: 2s, repeat_interval: 1h }',
        'receivers:',
        `  oncall: { slack: { webhook: "${slack.url}/hook" } }`,
      ].join('\n'),
    );
    const env = {
      FEED_TOKEN: token,
      SIGNPOST_WEB_USER: VIEWER.user,
      SIGNPOST_WEB_PASSWORD: VIEWER.password,
      LOG_LEVEL: 'debug',
    };
    const started = Date.now();
    const app = await spawnWeb(
      'start',
      { command: 'start', config: dir, prefix, redisUrl: REDIS_URL, env, deadline },
      scope,
    );
    log(
      `signpost start with FEED_TOKEN set; 3 sources (a redirect to a 500, a 404 with the token in the path, a good one); the token must appear on no surface`,
    );

    const store = new RedisStore(redis, { prefix });
    const health = async (id: string) => (await store.allHealth()).find((h) => h.source === id);
    const ready = await waitUntil(
      async () => {
        const [bad, hidden, good] = await Promise.all([health('bad'), health('hidden'), health('good')]);
        return slack.requests.length >= 2 && Boolean(bad?.lastError && hidden?.lastError && good?.lastSuccessAt);
      },
      Math.min(deadline - 20_000, Date.now() + 45_000),
      250,
    );
    const bad = await health('bad');
    const hidden = await health('hidden');
    log(
      `after ${seconds(Date.now() - started)} s: ${slack.requests.length} Slack messages; bad: ${bad?.lastError?.message}; hidden: ${hidden?.lastError?.message}${ready ? '' : ' (not everything happened in time)'}`,
    );
    const withToken = [
      `/bad?token=${token}`,
      `/bad-moved?token=${token}`,
      `/p/${token}/feed.xml`,
      `/good.xml?token=${token}`,
    ];
    const askedWithToken = withToken.every((p) => requested.includes(p));
    log(
      `the feeds were asked with the token: ${askedWithToken} (${withToken.filter((p) => !requested.includes(p)).length} of ${withToken.length} paths never asked)`,
    );

    // Every surface, as text.
    const surfaces: [string, string][] = [];
    const stored: string[] = [];
    for (const key of await keysUnder(redis, prefix)) {
      const type = await redis.type(key);
      if (type === 'string') stored.push((await redis.get(key)) ?? '');
      else if (type === 'hash') stored.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') stored.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') stored.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') stored.push(JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES')));
      else if (type === 'stream') stored.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      stored.push(key);
    }
    surfaces.push([`Redis (${stored.length / 2} keys)`, stored.join('\n')]);
    surfaces.push([`Slack (${slack.requests.length} messages)`, slack.requests.map((r) => r.body).join('\n')]);
    const get = async (path: string) => {
      const r = await fetch(`${app.url}${path}`, { headers: basicAuth(VIEWER.user, VIEWER.password) });
      return `${r.status}\n${[...r.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await r.text()}`;
    };
    for (const path of ['/', '/readyz', '/metrics', '/queues']) surfaces.push([`web ${path}`, await get(path)]);
    const api: string[] = [await get('/queues/api/queues')];
    for (const queue of Object.values(QUEUE)) {
      for (const status of ['latest', 'active', 'waiting', 'delayed', 'completed', 'failed'])
        api.push(await get(`/queues/api/queues?activeQueue=${queue}&status=${status}&page=1&jobsPerPage=100`));
    }
    surfaces.push(['web /queues API', api.join('\n')]);
    const fetched: Record<string, string> = {};
    for (const id of ['bad', 'hidden', 'good']) {
      const r = await runCli(['fetch', '--config', dir, id], { env: { FEED_TOKEN: token }, timeoutMs: 30_000 });
      fetched[id] = `exit ${r.status}\n${r.stdout}\n${r.stderr}`;
      surfaces.push([`signpost fetch ${id}`, fetched[id]]);
    }
    await sleep(500);
    surfaces.push([
      `logs of signpost start (${app.logs.length} lines)`,
      [...app.logs.map((l) => JSON.stringify(l)), ...app.text].join('\n'),
    ]);

    const leaks = surfaces.filter(([, text]) => text.includes(token));
    for (const [name, text] of surfaces) {
      const i = text.indexOf(token);
      log(
        `${name}: ${i < 0 ? 'clean' : `LEAKS the token: ...${text.slice(Math.max(0, i - 80), i + token.length + 20).replace(/\s+/g, ' ')}...`}`,
      );
    }
    // Positive controls: the surfaces name the URL with the variable, and the runs really failed or worked.
    const controls = {
      'health names ${FEED_TOKEN}':
        bad?.lastError?.message ===
          `fetch: 500 Internal Server Error for ${feeds.url}/bad-moved?token=\${FEED_TOKEN}` &&
        Boolean(hidden?.lastError?.message.includes(`${feeds.url}/p/\${FEED_TOKEN}/feed.xml`)),
      'Slack names ${FEED_TOKEN}': slack.requests.some((r) => r.body.includes('${FEED_TOKEN}')),
      'overview names ${FEED_TOKEN}': surfaces.find(([n]) => n === 'web /')![1].includes('${FEED_TOKEN}'),
      'fetch bad fails, good works':
        fetched.bad!.startsWith('exit 1') &&
        fetched.hidden!.startsWith('exit 1') &&
        fetched.good!.startsWith('exit 0') &&
        fetched.good!.includes(`${feeds.url}/good.xml?token=\${FEED_TOKEN}`),
      'the feeds were asked with the token': askedWithToken,
    };
    const failedControls = Object.entries(controls)
      .filter(([, ok]) => !ok)
      .map(([n]) => n);
    log(
      `controls: ${failedControls.length ? `FAILED: ${failedControls.join('; ')}` : 'all held'}; ${app.exited() ? `start exited ${JSON.stringify(app.exited())}` : 'start running'}`,
    );
    return {
      name: scenario.name,
      expected: surfaces.length,
      processed: surfaces.length - leaks.length,
      lost: leaks.length,
      duplicated: 0,
      recovered_s: 0,
      pass: leaks.length === 0 && failedControls.length === 0 && !app.exited(),
    };
  },
};
