// Issue 12, defect 10, its small parts, each a check that must hold:
//   - basic auth: from one address, wrong passwords are answered 401 until the tenth, then 429 with a
//     Retry-After (the right password too, while the window lasts); another address still logs in
//   - `signpost validate` refuses `__proto__` as a rule id, a source id and an indicator key, with
//     file:line:col on its line, and a watchbook file over 1 MiB, naming the file and the limit
//   - the address guard refuses a source at 64:ff9b:1::a9fe:a9fe, ::ffff:0:a9fe:a9fe and a Teredo address
//     (`signpost fetch` fails with blocked-address, and never connects)
//   - a worker pointed at a closed Redis port says so in one line and exits; a running worker whose Redis
//     goes away logs one "Redis unreachable" and one "Redis reachable again", no stack trace, no line per
//     retry, and stops cleanly on SIGTERM afterwards
// expected = checks, processed = checks that held, lost = checks that did not.
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from '../../test/helpers/server.js';
import { logsWith, signalAndWait, spawnWorker } from '../../test/worker/helpers/processes.js';
import { randomPrefix } from '../../test/worker/helpers/redis.js';
import { makeBook, rulesText, watchbookText } from '../lib/book.js';
import { basicAuth, runCli, spawnWeb } from '../lib/cli.js';
import { reap } from '../lib/reaper.js';
import { startOwnRedis } from '../lib/redis-server.js';
import type { Scenario } from '../lib/scenario.js';
import { seconds, sleep, waitUntil } from '../lib/tally.js';
import { startWorld } from '../lib/world.js';

const VIEWER = { user: 'ana', password: 'viewer-pass-1' };
const MAX_FAILURES = 10;

/** GET `path` from a chosen local address, so the server sees it as that client. */
function getFrom(
  base: string,
  path: string,
  localAddress: string,
  headers: Record<string, string>,
): Promise<{ status: number; retryAfter?: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, localAddress, headers, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers['retry-after'] !== undefined && { retryAfter: String(res.headers['retry-after']) }),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// prettier-ignore
export const scenario: Scenario = {
  name: 'small-defects',
  budgetMs: { scaled: 90_000, full: 120_000 },
  async run({ deadline, scope, log }) {
    const checks: { name: string; held: boolean; saw: string }[] = [];
    const check = (name: string, held: boolean, saw: string) => {
      checks.push({ name, held, saw });
      log(`${held ? 'held' : 'DID NOT HOLD'}: ${name}: ${saw}`);
    };

    // 1. Login throttling, on `signpost web`.
    const world = await startWorld({ sources: 1, every: '1h', rules: 1 }, scope);
    const web = await spawnWeb('web', { config: world.book.dir, prefix: world.prefix, redisUrl: world.redisUrl, env: { SIGNPOST_WEB_USER: VIEWER.user, SIGNPOST_WEB_PASSWORD: VIEWER.password }, deadline }, scope);
    const wrong = basicAuth(VIEWER.user, 'guess');
    const right = basicAuth(VIEWER.user, VIEWER.password);
    const first = await getFrom(web.url, '/', '127.0.0.1', right);
    const answers: number[] = [];
    let last: { status: number; retryAfter?: string } = { status: 0 };
    for (let i = 0; i < MAX_FAILURES + 1; i++) {
      last = await getFrom(web.url, '/', '127.0.0.1', wrong);
      answers.push(last.status);
    }
    const throttled = answers.slice(0, MAX_FAILURES).every((s) => s === 401) && last.status === 429;
    check(`${MAX_FAILURES + 1} wrong passwords from one address: ${MAX_FAILURES} x 401, then 429`, first.status === 200 && throttled, `first right login ${first.status}; answers ${answers.join(' ')}`);
    const ra = Number(last.retryAfter);
    check('the 429 carries a Retry-After within the 5-minute window', Number.isInteger(ra) && ra >= 1 && ra <= 300, `Retry-After: ${last.retryAfter ?? 'none'}`);
    const rightWhileThrottled = await getFrom(web.url, '/', '127.0.0.1', right);
    check('the throttled address gets 429 even with the right password', rightWhileThrottled.status === 429, `${rightWhileThrottled.status}`);
    const other = await getFrom(web.url, '/', '127.0.0.2', right);
    const otherWrong = await getFrom(web.url, '/', '127.0.0.3', wrong);
    check('another address still logs in (and a wrong password there is a plain 401)', other.status === 200 && otherWrong.status === 401, `127.0.0.2 with the right password: ${other.status}; 127.0.0.3 with a wrong one: ${otherWrong.status}`);
    const open = await getFrom(web.url, '/healthz', '127.0.0.1', {});
    check('/healthz stays open to the throttled address', open.status === 200, `${open.status}`);

    // 2. `signpost validate`: reserved ids, and a file over 1 MiB.
    const book = scope.defer('validate folder', makeBook({ sources: [{ id: 's0000', url: 'http://127.0.0.1:9/feed.xml', every: '1h' }], rules: 2, slackUrl: 'http://127.0.0.1:9/hook' }), (b) => b.remove());
    const validate = async (what: string, files: { watchbook?: string; rules?: string }, needle: string, inFile: 'watchbook' | 'rules') => {
      writeFileSync(book.watchbookPath, files.watchbook ?? book.good.watchbook);
      writeFileSync(book.rulesPath, files.rules ?? book.good.rules);
      const path = inFile === 'watchbook' ? book.watchbookPath : book.rulesPath;
      const text = files[inFile] ?? '';
      const line = text.split('\n').findIndex((l) => l.includes(needle)) + 1;
      const r = await runCli(['validate', '--config', book.dir], { timeoutMs: 20_000 });
      const out = `${r.stdout}\n${r.stderr}`;
      const hits = [...out.matchAll(new RegExp(`${escapeRe(path)}:(\\d+):(\\d+): ([^\\n]*)`, 'g'))];
      // `__proto__` is not an id by the id pattern (no "_"), so any refusal on its line will do; `constructor`
      // and `prototype` are, so their refusal must name them.
      const pointed = hits.find((m) => Number(m[1]) === line && (needle === '__proto__' || m[3]!.includes(needle)));
      check(`validate refuses ${what}`, r.status === 1 && pointed !== undefined, `exit ${r.status} in ${seconds(r.ms)} s; ${pointed ? `${inFile}:${pointed[1]}:${pointed[2]}: ${pointed[3]!.slice(0, 140)}` : `nothing at line ${line} naming ${needle}: ${out.trim().slice(0, 200)}`}`);
    };
    const good = await runCli(['validate', '--config', book.dir], { timeoutMs: 20_000 });
    check('validate accepts the unedited watchbook (control)', good.status === 0, `exit ${good.status}`);
    await validate('__proto__ as a rule id', { rules: book.good.rules.replace('id: r000', 'id: __proto__') }, '__proto__', 'rules');
    await validate('__proto__ as a source id', { watchbook: book.good.watchbook.replace('id: s0000', 'id: __proto__') }, '__proto__', 'watchbook');
    await validate('__proto__ as an indicator key', { watchbook: book.good.watchbook.replace(/\n {2}signal:/, '\n  __proto__:') }, '__proto__', 'watchbook');
    await validate('constructor as a rule id', { rules: book.good.rules.replace('id: r001', 'id: constructor') }, 'constructor', 'rules');
    await validate('constructor as a source id', { watchbook: book.good.watchbook.replace('id: s0000', 'id: constructor') }, 'constructor', 'watchbook');
    await validate('prototype as a scenario key', { watchbook: book.good.watchbook.replace(/\n {2}risk:/, '\n  prototype:') }, 'prototype', 'watchbook');
    const padded = `${book.good.watchbook}\n# ${'x'.repeat(1024 * 1024)}\n`;
    writeFileSync(book.watchbookPath, padded);
    writeFileSync(book.rulesPath, book.good.rules);
    const big = await runCli(['validate', '--config', book.dir], { timeoutMs: 20_000 });
    const bigOut = `${big.stdout}\n${big.stderr}`;
    check('validate refuses a watchbook file over 1 MiB, naming the file and the limit', big.status === 1 && bigOut.includes(book.watchbookPath) && /at most 1 MiB/.test(bigOut) && big.ms < 10_000, `exit ${big.status} in ${seconds(big.ms)} s: ${bigOut.trim().slice(0, 220)}`);
    writeFileSync(book.watchbookPath, book.good.watchbook);

    // 3. The address guard, on sources of a watchbook that does not allow private addresses.
    const guarded = scope.defer('guard folder', mkdtempSync(join(tmpdir(), 'signpost-reliability-')), (d) => rmSync(d, { recursive: true, force: true }));
    const addresses = { nat64: '64:ff9b:1::a9fe:a9fe', translated: '::ffff:0:a9fe:a9fe', teredo: '2001:0:4136:e378:8000:63bf:5601:5601' };
    const port = await closedPort();
    const wb = watchbookText({ sources: Object.entries(addresses).map(([id, a]) => ({ id, url: `http://[${a}]:${port}/feed.xml`, every: '1h' })), rules: 1, slackUrl: 'http://127.0.0.1:9/hook' }).replace('allow_private: true', 'allow_private: false');
    writeFileSync(join(guarded, 'watchbook.yaml'), wb);
    writeFileSync(join(guarded, 'rules.yaml'), rulesText(1));
    for (const [id, a] of Object.entries(addresses)) {
      const r = await runCli(['fetch', '--config', guarded, id], { timeoutMs: 20_000 });
      const out = `${r.stdout}\n${r.stderr}`.trim();
      check(`a source at ${a} is refused by the address guard`, r.status === 1 && out.includes('blocked-address'), `exit ${r.status} in ${seconds(r.ms)} s: ${out.slice(0, 200)}`);
    }

    // 4. Redis away: at start (a closed port), and while the worker runs.
    const closed = `redis://127.0.0.1:${await closedPort()}`;
    const early = spawnWorker('no-redis', { config: world.book.dir, prefix: randomPrefix('rel'), redisUrl: closed });
    reap(early.child);
    scope.defer('no-redis worker', early, async (w) => {
      if (!w.exited()) w.child.kill('SIGKILL');
      await w.exit;
    });
    const exitedEarly = await waitUntil(() => early.exited() !== undefined, Math.min(deadline, Date.now() + 20_000), 100);
    const earlyLines = [...early.text, ...early.logs.map((l) => JSON.stringify(l))];
    const stackLines = earlyLines.filter((l) => /^\s+at /.test(l)).length;
    check(
      'a worker pointed at a closed Redis port says so in one line and exits non-zero',
      exitedEarly && early.exited()!.code !== 0 && stackLines === 0 && earlyLines.length <= 2 && earlyLines.some((l) => l.includes(closed)),
      `${exitedEarly ? `exit ${JSON.stringify(early.exited())}` : 'still running after 20 s'}; ${earlyLines.length} line(s), ${stackLines} stack frame(s): ${earlyLines.slice(0, 2).join(' / ').slice(0, 220)}`,
    );

    const own = scope.defer('own redis', await startOwnRedis(), (r) => r.close());
    const w = spawnWorker('w', { config: world.book.dir, prefix: randomPrefix('rel'), redisUrl: own.url });
    reap(w.child);
    scope.defer('worker', w, async (p) => {
      if (!p.exited()) p.child.kill('SIGKILL');
      await p.exit;
    });
    await waitUntil(() => logsWith(w, 'Worker started').length > 0 || w.exited() !== undefined, Math.min(deadline, Date.now() + 30_000), 100);
    const logsBefore = w.logs.length;
    const textBefore = w.text.length;
    const down = Date.now();
    await own.stop();
    // Every connection retries on its own, several times a second: 8 s is many retries of each.
    await sleep(Math.min(8_000, deadline - Date.now()));
    const during = w.logs.slice(logsBefore);
    const unreachable = logsWith(w, 'Redis unreachable');
    const errors = during.filter((l) => (l.level ?? 0) >= 50 || /error/i.test(String(l.msg)));
    const textDuring = w.text.slice(textBefore);
    check(
      'while Redis is away: one "Redis unreachable" line, no error lines, no stack traces, no line per retry',
      unreachable.length === 1 && unreachable[0]!.level === 40 && errors.length === 0 && textDuring.length === 0 && during.length <= 3,
      `${seconds(Date.now() - down)} s down: ${during.length} log line(s) (${during.map((l) => l.msg).join(' | ')}), ${errors.length} error line(s), ${textDuring.length} unstructured line(s)${textDuring.length ? `: ${textDuring.slice(0, 2).join(' / ').slice(0, 160)}` : ''}; reason: ${JSON.stringify(unreachable[0]?.reason ?? '')}`,
    );
    await own.start();
    const back = await waitUntil(() => logsWith(w, 'Redis reachable again').length > 0, Math.min(deadline, Date.now() + 30_000), 100);
    check(
      'when Redis is back: one "Redis reachable again" line, still one "Redis unreachable"',
      back && logsWith(w, 'Redis reachable again').length === 1 && logsWith(w, 'Redis unreachable').length === 1,
      `${back ? `back after ${seconds(Date.now() - down)} s, down_ms ${String(logsWith(w, 'Redis reachable again')[0]!.down_ms)}` : 'no "Redis reachable again" within 30 s'}; ${logsWith(w, 'Redis unreachable').length} "Redis unreachable" in all`,
    );
    const stop = await signalAndWait(w, 'SIGTERM', 25_000).catch((e: Error) => ({ code: null, signal: null, ms: Infinity, error: e.message }));
    check('the worker then stops cleanly on SIGTERM', stop.code === 0, JSON.stringify(stop));

    const held = checks.filter((c) => c.held).length;
    return { name: scenario.name, expected: checks.length, processed: held, lost: checks.length - held, duplicated: 0, recovered_s: 0, pass: held === checks.length };
  },
};
