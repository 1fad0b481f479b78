// The SSRF guard inside real requests. No test here may send a packet beyond loopback: every non-loopback
// target is refused before connecting (IP literals before the request, names inside the DNS lookup), and
// the hostile DNS answers come from a resolver the test supplies, not from the network.
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/fetch/guarded-lookup.js';
import { httpGet, type HttpGetOptions } from '../../src/fetch/http.js';
import { rejection } from '../helpers/fetch-error.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
const seen: string[] = [];
const opts: HttpGetOptions = { allow: 'loopback', timeoutMs: 3000, connectTimeoutMs: 500 };

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push(url.pathname);
    const to = url.searchParams.get('to');
    if (url.pathname === '/redirect' && to) return void res.writeHead(302, { location: to }).end();
    if (url.pathname === '/hop') return void res.writeHead(302, { location: '/feed' }).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss/>');
  });
});
afterAll(() => server.close());

/** A resolver that answers from a script, one answer per call, and records the names asked. */
function scriptedResolver(...answers: string[][]): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolver = (
    hostname: string,
    _options: unknown,
    callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
  ): void => {
    asked.push(hostname);
    const answer = answers[Math.min(asked.length, answers.length) - 1] ?? [];
    callback(
      null,
      answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
  return Object.assign(resolver, { asked });
}

const redirectTo = (target: string): string => `${server.url}/redirect?to=${encodeURIComponent(target)}`;

describe('SSRF guard: redirects', () => {
  // Table: [target, class named in the message].
  const targets: [string, string][] = [
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'metadata'],
    ['http://10.0.0.1/', 'private'],
    ['http://192.168.1.1:8080/admin', 'private'],
    ['http://172.20.0.5/', 'private'],
    ['http://100.64.0.1/', 'cgnat'],
    ['http://169.254.10.10/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[fc00::5]/', 'private'],
    ['http://0.0.0.0:1/', 'unspecified'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    ['http://[::ffff:169.254.169.254]/', 'metadata'],
    ['http://167772161/', 'private'], // 10.0.0.1 written as one number; the URL parser normalizes it
    ['http://0x0a.0.0.1/', 'private'],
  ];
  it.each(targets)('refuses a redirect to %s (%s) before connecting', async (target, cls) => {
    const err = await rejection(httpGet(redirectTo(target), opts));
    expect(err).toMatchObject({ reason: 'blocked-address', permanent: true });
    expect(err.message).toContain(`${cls} address`);
  });

  it('still refuses the metadata service when private addresses are allowed', async () => {
    const err = await rejection(httpGet(redirectTo('http://169.254.169.254/'), { ...opts, allow: 'private' }));
    expect(err).toMatchObject({ reason: 'blocked-address' });
  });

  it('follows a redirect to loopback when loopback is allowed', async () => {
    const res = await httpGet(redirectTo(`http://localhost:${server.port}/feed`), opts);
    expect(res.url).toBe(`http://localhost:${server.port}/feed`);
  });
});

describe('SSRF guard: the first request', () => {
  it('refuses a loopback literal under the default policy without connecting', async () => {
    const before = seen.length;
    const err = await rejection(httpGet(`${server.url}/feed`, { timeoutMs: 3000 }));
    expect(err).toMatchObject({ reason: 'blocked-address' });
    expect(err.message).toContain('loopback address 127.0.0.1');
    expect(seen.length).toBe(before);
  });

  it('refuses a name that resolves to loopback (checked after DNS) under the default policy', async () => {
    const before = seen.length;
    const err = await rejection(httpGet(`http://localhost:${server.port}/feed`, { timeoutMs: 3000 }));
    expect(err).toMatchObject({ reason: 'blocked-address' });
    expect(err.message).toMatch(/loopback address (127\.0\.0\.1|::1) \(localhost\)/);
    expect(seen.length).toBe(before);
  });

  it('allows everything but metadata when private addresses are allowed', async () => {
    const res = await httpGet(`${server.url}/feed`, { ...opts, allow: 'private' });
    expect(res.status).toBe(200);
  });
});

describe('SSRF guard: hostile DNS', () => {
  it('refuses a public-looking name that resolves to a private address', async () => {
    const resolver = scriptedResolver(['10.0.0.5']);
    const err = await rejection(httpGet('http://intranet.example/feed', { ...opts, resolver }));
    expect(err).toMatchObject({ reason: 'blocked-address' });
    expect(err.message).toContain('private address 10.0.0.5 (intranet.example)');
    expect(resolver.asked).toEqual(['intranet.example']);
  });

  it('refuses a name with one allowed and one refused address', async () => {
    const resolver = scriptedResolver(['127.0.0.1', '192.168.0.7']);
    await expect(httpGet(`http://mixed.example:${server.port}/feed`, { ...opts, resolver })).rejects.toMatchObject({
      reason: 'blocked-address',
    });
  });

  it('checks again on every connection, so DNS rebinding between hops is refused', async () => {
    // First answer loopback (allowed, reaches the test server, which redirects on the same host), then
    // the metadata address: the second connection's lookup must refuse it.
    const resolver = scriptedResolver(['127.0.0.1'], ['169.254.169.254']);
    const err = await rejection(httpGet(`http://rebind.example:${server.port}/hop`, { ...opts, resolver }));
    expect(err).toMatchObject({ reason: 'blocked-address' });
    expect(err.message).toContain('metadata address 169.254.169.254 (rebind.example)');
    expect(resolver.asked).toEqual(['rebind.example', 'rebind.example']);
  });

  it('reports a resolver with no answer as dns', async () => {
    const resolver = scriptedResolver([]);
    await expect(httpGet('http://nothing.example/feed', { ...opts, resolver })).rejects.toMatchObject({
      reason: 'dns',
    });
  });
});
