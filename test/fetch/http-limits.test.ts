// Hostile bodies: each must end with the right reason, quickly, and with memory bounded. The figures
// (time to give up, peak RSS) are printed for the record; only the 300 MB ceiling is asserted.
import type { ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet, HTTP_DEFAULTS, type HttpGetOptions } from '../../src/fetch/http.js';
import { deflateBomb, gzipBomb } from '../helpers/bombs.js';
import { rejection } from '../helpers/fetch-error.js';
import { MB, sampleRss } from '../helpers/memory.js';
import { startServer, type TestServer } from '../helpers/server.js';

const GIB = 1 << 30;
const RSS_CEILING = 300 * MB;
const opts: HttpGetOptions = { allow: 'loopback', timeoutMs: 10_000, connectTimeoutMs: 2000 };

let server: TestServer;
let gzip1g: Buffer;
let deflate1g: Buffer;
/** Whether the server saw the client go away, per path: the transfer must stop, not just be ignored. */
const closedEarly = new Map<string, boolean>();

/** Writes `chunk` until `total` bytes (or for ever), respecting backpressure and stopping when the client leaves. */
function stream(res: ServerResponse, chunk: Buffer, total = Infinity): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

function zeros(total: number): Readable {
  const chunk = Buffer.alloc(64 * 1024);
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
    })(),
  );
}

beforeAll(async () => {
  gzip1g = gzipBomb(GIB);
  deflate1g = await deflateBomb(GIB);
  server = await startServer((req, res) => {
    const path = req.url ?? '/';
    closedEarly.set(path, false);
    res.on('close', () => closedEarly.set(path, !res.writableFinished));
    switch (path) {
      case '/never-ending':
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        return stream(res, Buffer.alloc(64 * 1024, 'a'));
      case '/drip': {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.write('<');
        const timer = setInterval(() => res.write('x'), 1000);
        return void res.on('close', () => clearInterval(timer));
      }
      case '/trickle': {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        const timer = setInterval(() => res.write(Buffer.alloc(1024, 'a')), 20);
        return void res.on('close', () => clearInterval(timer));
      }
      case '/50mb':
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        return stream(res, Buffer.alloc(64 * 1024, 'a'), 50 * MB);
      case '/50mb-announced':
        res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': 50 * MB });
        return stream(res, Buffer.alloc(64 * 1024, 'a'), 50 * MB);
      case '/gzip-bomb':
        return void res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': gzip1g.length }).end(gzip1g);
      case '/deflate-bomb':
        return void res
          .writeHead(200, { 'content-encoding': 'deflate', 'content-length': deflate1g.length })
          .end(deflate1g);
      case '/brotli-bomb':
        // Compressed on the fly: the server only does as much work as the client reads.
        res.writeHead(200, { 'content-encoding': 'br' });
        return void pipeline(
          zeros(GIB),
          zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } }),
          res,
          () => {},
        );
      default:
        res.writeHead(404).end();
    }
  });
});
afterAll(() => server.close());

async function measure(
  path: string,
  extra: HttpGetOptions = {},
): Promise<{ err: Error & Record<string, unknown>; ms: number; peakRss: number }> {
  const rss = sampleRss();
  const started = performance.now();
  const err = await rejection(httpGet(`${server.url}${path}`, { ...opts, ...extra }));
  const ms = Math.round(performance.now() - started);
  const peakRss = rss.stop();
  console.log(JSON.stringify({ path, reason: err.reason, ms, peak_rss_mb: Math.round(peakRss / MB) }));
  return { err, ms, peakRss };
}

describe('httpGet: size caps, counted after decompression', () => {
  it('stops a 1 GiB gzip bomb (about 1 MB on the wire) at the cap, as too-large, with memory bounded', async () => {
    expect(gzip1g.length).toBeLessThan(2 * MB);
    const { err, ms, peakRss } = await measure('/gzip-bomb');
    expect(err).toMatchObject({ reason: 'too-large', permanent: false });
    expect(err.message).toMatch(/inflates to more than the 10485760-byte cap/);
    expect(ms).toBeLessThan(5000);
    expect(peakRss).toBeLessThan(RSS_CEILING);
  });

  it('stops a 1 GiB deflate bomb in a single zlib stream at the cap', async () => {
    const { err, peakRss } = await measure('/deflate-bomb');
    expect(err).toMatchObject({ reason: 'too-large' });
    expect(peakRss).toBeLessThan(RSS_CEILING);
  });

  it('stops a 1 GiB brotli bomb at the cap', async () => {
    const { err, peakRss } = await measure('/brotli-bomb', { maxBytes: 2 * MB });
    expect(err).toMatchObject({ reason: 'too-large' });
    expect(peakRss).toBeLessThan(RSS_CEILING);
  });

  it('stops a 50 MB body without Content-Length at the 10 MiB default cap and closes the connection', async () => {
    expect(HTTP_DEFAULTS.maxBytes).toBe(10 * 1024 * 1024);
    const { err, ms, peakRss } = await measure('/50mb');
    expect(err).toMatchObject({ reason: 'too-large' });
    expect(err.message).toMatch(/sent more than the 10485760-byte cap/);
    expect(ms).toBeLessThan(5000);
    expect(peakRss).toBeLessThan(RSS_CEILING);
    await expect.poll(() => closedEarly.get('/50mb')).toBe(true);
  });

  it('refuses a 50 MB body from its Content-Length, before reading it', async () => {
    const { err, ms } = await measure('/50mb-announced');
    expect(err).toMatchObject({ reason: 'too-large' });
    expect(err.message).toMatch(/announces 50000000 bytes/);
    expect(ms).toBeLessThan(1000);
    await expect.poll(() => closedEarly.get('/50mb-announced')).toBe(true);
  });

  it('stops a never-ending body at the cap and closes the connection', async () => {
    const { err } = await measure('/never-ending', { maxBytes: 1024 * 1024 });
    expect(err).toMatchObject({ reason: 'too-large' });
    await expect.poll(() => closedEarly.get('/never-ending')).toBe(true);
  });
});

describe('httpGet: total timeout', () => {
  it('ends a drip of one byte a second at the total timeout', async () => {
    const { err, ms } = await measure('/drip', { timeoutMs: 1500 });
    expect(err).toMatchObject({ reason: 'timeout', permanent: false });
    expect(err.message).toBe(`fetch: ${server.url}/drip took longer than 1500 ms`);
    expect(ms).toBeGreaterThanOrEqual(1450);
    expect(ms).toBeLessThan(2500);
    await expect.poll(() => closedEarly.get('/drip')).toBe(true);
  });

  it('ends a never-ending trickle that stays under the cap at the total timeout', async () => {
    const { err, ms } = await measure('/trickle', { timeoutMs: 800 });
    expect(err).toMatchObject({ reason: 'timeout' });
    expect(ms).toBeLessThan(1500);
    await expect.poll(() => closedEarly.get('/trickle')).toBe(true);
  });
});
