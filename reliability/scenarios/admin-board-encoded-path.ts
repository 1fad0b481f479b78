// Issue 12, defect 1: a viewer reached the writable job board through an encoded path (/queues/%61dmin/...).
// `signpost web` runs with a viewer and an admin; the viewer's credentials are sent to the admin board under
// every spelling of its path a client can send raw (percent-encoded letters, upper-case escapes, double
// encoding, dot segments, doubled slashes, an encoded slash, a trailing semicolon or slash), reads and
// writes alike. A probe holds when it is refused (4xx) or answered by something that is not the admin board
// (the read-only board's JSON, whose queues are all readOnlyMode); it gets through when it is a 2xx write, or
// a read answered by the admin board (a queue with readOnlyMode false, the "(admin)" board title). After the
// probes, Redis must show no write happened (no queue paused, the sentinel jobs still there), and the admin
// must still reach the board and write through it.
import { request } from 'node:http';
import type { Queue } from 'bullmq';
import { openQueues, QUEUE } from '../../src/queue/index.js';
import { basicAuth, spawnWeb } from '../lib/cli.js';
import type { Scenario } from '../lib/scenario.js';
import { startWorld } from '../lib/world.js';

const VIEWER = { user: 'ana', password: 'viewer-pass-1' };
const ADMIN = { user: 'root', password: 'admin-pass-1' };

interface Answer {
  status: number;
  body: string;
}

/** One request with the path sent exactly as written (fetch() would normalise dot segments and escapes). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method,
        path,
        headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether a 2xx/3xx answer to a read came from the admin board. */
function isAdminBoard(body: string): boolean {
  if (body.includes('Signpost jobs (admin)')) return true;
  try {
    const parsed = JSON.parse(body) as { queues?: { readOnlyMode?: boolean }[] };
    return Array.isArray(parsed.queues) && parsed.queues.some((q) => q.readOnlyMode === false);
  } catch {
    return false;
  }
}

/** Spellings of `/queues/admin` a client can send; each is followed by the rest of the path. */
const ADMIN_SPELLINGS = [
  '/queues/admin',
  '/queues/%61dmin',
  '/queues/%61%64%6d%69%6e',
  '/queues/%61%64%6D%69%6E',
  '/queues/adm%69n',
  '/queues/%41dmin',
  '/queues/%41%44%4D%49%4E',
  '/queues/ADMIN',
  '/QUEUES/admin',
  '/%71ueues/admin',
  '/queues%2Fadmin',
  '/queues%2fadmin',
  '/queues/%2561dmin',
  '/queues/%252561dmin',
  '//queues/admin',
  '/queues//admin',
  '/queues/./admin',
  '/queues/%2E/admin',
  '/queues/x/../admin',
  '/queues/x/%2E%2E/admin',
  '/./queues/admin',
  '/queues/admin;',
  '/queues/admin%20',
  '/queues/admin%00',
  '/queues/admin%C0%AF',
  '/queues/%C0%E1dmin',
];

export const scenario: Scenario = {
  name: 'admin-board-encoded-path',
  budgetMs: { scaled: 90_000, full: 180_000 },
  async run({ full, deadline, scope, log }) {
    const world = await startWorld({ sources: 1, every: '1h', rules: 1 }, scope);
    const web = await spawnWeb(
      'web',
      {
        config: world.book.dir,
        prefix: world.prefix,
        redisUrl: world.redisUrl,
        env: {
          SIGNPOST_WEB_USER: VIEWER.user,
          SIGNPOST_WEB_PASSWORD: VIEWER.password,
          SIGNPOST_WEB_ADMIN: `${ADMIN.user}:${ADMIN.password}`,
        },
        deadline,
      },
      scope,
    );
    // Sentinel jobs no worker takes (only the web role runs): a write through the board would remove or move them.
    const queues = scope.defer('queues', openQueues(world.redis, world.prefix), (q) => q.close());
    const names = Object.values(QUEUE) as string[];
    const all = [queues.tick, queues.fetch, queues.score, queues.deliver, queues.digest] as unknown as Queue[];
    const byName = new Map(names.map((n) => [n, all.find((q) => q.name === n)!]));
    for (const q of byName.values())
      await q.add('sentinel', { sentinel: true }, { jobId: `sentinel-${q.name}`, delay: 3_600_000 });

    const viewer = basicAuth(VIEWER.user, VIEWER.password);
    const reads = [
      '',
      '/',
      '/api/queues',
      '/api/queues?activeQueue=fetch&status=delayed&page=1&jobsPerPage=10',
      '/api/redis/stats',
      `/api/queues/fetch/sentinel-fetch`,
    ];
    const writes: [string, string, string?][] = [
      ['PUT', '/api/queues/pause'],
      ['PUT', '/api/queues/fetch/pause'],
      ['PUT', '/api/queues/fetch/empty'],
      ['PUT', '/api/queues/fetch/obliterate'],
      ['PUT', '/api/queues/fetch/clean/delayed'],
      ['PUT', '/api/queues/fetch/promote'],
      ['PUT', '/api/queues/fetch/sentinel-fetch/promote'],
      ['PUT', '/api/queues/fetch/sentinel-fetch/clean'],
      ['PUT', '/api/queues/fetch/retry/failed'],
      ['POST', '/api/queues/fetch/add', JSON.stringify({ name: 'x', data: {} })],
      ['PATCH', '/api/queues/fetch/sentinel-fetch/update-data', JSON.stringify({ data: { evil: true } })],
    ];
    // Small enough to run whole at either size.
    const spellings = full ? ADMIN_SPELLINGS : ADMIN_SPELLINGS;
    const probes: { method: string; path: string; body?: string; write: boolean }[] = [];
    for (const s of spellings) {
      for (const r of reads) probes.push({ method: 'GET', path: `${s}${r}`, write: false });
      for (const [method, r, body] of writes)
        probes.push({ method, path: `${s}${r}`, ...(body !== undefined && { body }), write: true });
    }
    // Without credentials and with a wrong password, on the plain path and the first encoding.
    for (const s of ['/queues/admin', '/queues/%61dmin']) {
      for (const headers of [{}, basicAuth(VIEWER.user, 'wrong')])
        probes.push({ method: 'GET', path: `${s}/api/queues`, write: false, headers } as never);
    }
    log(
      `${probes.length} probes of the admin board with the viewer's credentials (${spellings.length} spellings x ${reads.length} reads + ${writes.length} writes) and a few without; expect each refused (4xx) or answered by the read-only board, no write done`,
    );

    let refused = 0;
    let readOnly = 0;
    const through: string[] = [];
    const odd: string[] = [];
    const statuses = new Map<number, number>();
    for (const p of probes) {
      const headers = (p as { headers?: Record<string, string> }).headers ?? viewer;
      let a: Answer;
      try {
        a = await raw(web.url, p.method, p.path, headers, p.body);
      } catch (e) {
        odd.push(`${p.method} ${p.path}: ${(e as Error).message}`);
        continue;
      }
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      if (a.status >= 400 && a.status < 500) refused++;
      else if (a.status >= 500) odd.push(`${p.method} ${p.path}: ${a.status} ${a.body.slice(0, 80)}`);
      else if (p.write) through.push(`${p.method} ${p.path}: ${a.status}`);
      else if (isAdminBoard(a.body)) through.push(`${p.method} ${p.path}: ${a.status} from the admin board`);
      else readOnly++;
      if (Date.now() > deadline) break;
    }
    log(
      `statuses: ${[...statuses].map(([s, n]) => `${s} x${n}`).join(', ')}; refused ${refused}, answered by the read-only board ${readOnly}, got through ${through.length}, server errors or no answer ${odd.length}`,
    );
    for (const t of through.slice(0, 10)) log(`got through: ${t}`);
    for (const t of odd.slice(0, 10)) log(`no clean answer: ${t}`);

    // What Redis says: nothing paused, every sentinel where it was, its data unchanged, no job added.
    const effects: string[] = [];
    for (const q of byName.values()) {
      if (await q.isPaused()) effects.push(`${q.name} paused`);
      const s = await q.getJob(`sentinel-${q.name}`);
      if (!s) effects.push(`${q.name} sentinel gone`);
      else if (JSON.stringify(s.data) !== '{"sentinel":true}')
        effects.push(`${q.name} sentinel data now ${JSON.stringify(s.data)}`);
      else if ((await s.getState()) !== 'delayed') effects.push(`${q.name} sentinel now ${await s.getState()}`);
      const counts = await q.getJobCounts();
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      if (total !== 1) effects.push(`${q.name} holds ${total} jobs (${JSON.stringify(counts)})`);
    }
    log(`writes seen in Redis after the probes: ${effects.join('; ') || 'none'}`);

    // The admin still reaches the board and can write through it (pause, then resume, the digest queue).
    const admin = basicAuth(ADMIN.user, ADMIN.password);
    const adminApi = await raw(web.url, 'GET', '/queues/admin/api/queues', admin);
    const adminPage = await raw(web.url, 'GET', '/queues/admin', admin);
    const pause = await raw(web.url, 'PUT', '/queues/admin/api/queues/digest/pause', admin);
    const paused = await queues.digest.isPaused();
    const resume = await raw(web.url, 'PUT', '/queues/admin/api/queues/digest/resume', admin);
    const resumed = !(await queues.digest.isPaused());
    const adminOk =
      adminApi.status === 200 &&
      isAdminBoard(adminApi.body) &&
      adminPage.status === 200 &&
      pause.status === 200 &&
      paused &&
      resume.status === 200 &&
      resumed;
    log(
      `admin: API ${adminApi.status} (admin board ${isAdminBoard(adminApi.body)}), page ${adminPage.status}, pause ${pause.status} (paused ${paused}), resume ${resume.status} (resumed ${resumed}); expected all 200 and the writes done`,
    );
    // A control: the encoded path does reach the admin board (for the admin), so the viewer's refusals mean something.
    const encoded = await raw(web.url, 'GET', '/queues/%61dmin/api/queues', admin);
    log(
      `control: the admin on /queues/%61dmin/api/queues gets ${encoded.status} (admin board ${isAdminBoard(encoded.body)})`,
    );
    const viewerBoard = await raw(web.url, 'GET', '/queues/api/queues', viewer);
    log(
      `viewer on the read-only board: ${viewerBoard.status}; web role ${web.exited() ? `exited ${JSON.stringify(web.exited())}` : 'running'}`,
    );

    const lost = through.length + odd.length + (effects.length ? 1 : 0);
    return {
      name: scenario.name,
      expected: probes.length,
      processed: refused + readOnly,
      lost,
      duplicated: 0,
      recovered_s: 0,
      pass:
        lost === 0 && refused + readOnly === probes.length && adminOk && viewerBoard.status === 200 && !web.exited(),
    };
  },
};
