// npm run demo end to end (scripts/demo/run.ts), once on a redis-server of its own and once in-process on
// the memory store (the Redis program named is not installed): each prints the web role's address, which
// answers the overview behind the printed credentials, and lists the alerts raised with their receivers;
// stopping it stops what it started.
import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../scripts/demo/run.js';

const HAS_REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0;

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`demo test: no ${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

async function runAndCheck(
  redisServer: string | undefined,
  mode: string,
): Promise<{ lines: string[]; redisUrl?: string }> {
  const lines: string[] = [];
  const demo = await runDemo({
    seconds: 600,
    revealMs: 300,
    tickMs: 300,
    ...(redisServer && { redisServer }),
    out: (l) => lines.push(...l.split('\n')),
  });
  try {
    expect(demo.mode).toBe(mode);
    const web = lines
      .map((l) => /^Web: (http:\/\/127\.0\.0\.1:\d+)\/ {2}user (\S+), password (\S+)/.exec(l))
      .find(Boolean);
    expect(web, lines.join('\n')).toBeTruthy();
    const [, url, user, password] = web!;
    const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    // An alert, and on the next line whom it would reach: a high match reaches the desk.
    await until(
      'high alert reaching desk-slack',
      () =>
        lines.some((l, n) => /^ {2}ALERT match high /.test(l) && /-> .*desk-slack \(Slack\)/.test(lines[n + 1] ?? '')),
      120_000,
    );
    const page = await fetch(`${url}/`, { headers: { authorization } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('ukraine-polling');
    expect((await fetch(`${url}/`)).status).toBe(401);
  } finally {
    await demo.stop();
    await demo.finished;
  }
  expect(lines.at(-1)).toMatch(/^[1-9]\d* alerts? raised\.$/);
  return { lines, ...(demo.redisUrl && { redisUrl: demo.redisUrl }) };
}

describe('npm run demo', () => {
  it.runIf(HAS_REDIS_SERVER)(
    'on a redis-server of its own: prints the web address, which answers, and the alerts with their receivers; the server goes at the end',
    async () => {
      const { lines, redisUrl } = await runAndCheck(undefined, 'private-redis');
      expect(lines).toContain(
        'Running on a redis-server started for this demo (a free port, a temporary directory; stopped at the end).',
      );
      expect(await refused(Number(new URL(redisUrl!).port)), 'the private redis-server stopped').toBe(true);
    },
    180_000,
  );

  it('without Redis: the same steps in-process on the memory store, and says so', async () => {
    const { lines, redisUrl } = await runAndCheck('signpost-no-such-redis-server', 'memory');
    expect(redisUrl).toBeUndefined();
    expect(
      lines.some((l) =>
        l.startsWith('Running in-process on the memory store: signpost-no-such-redis-server is not installed.'),
      ),
    ).toBe(true);
  }, 180_000);
});
