import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fetcher, type FetchLogger } from '../../src/fetch/fetcher.js';
import { httpGet, type HttpGetOptions } from '../../src/fetch/http.js';
import { rejection } from '../helpers/fetch-error.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { selfSignedCertificate, startHttpsServer } from '../helpers/tls.js';

const cert = selfSignedCertificate();
const localhostOnly = selfSignedCertificate('DNS:localhost');

describe.skipIf(!cert || !localhostOnly)('HTTPS', () => {
  let plain: TestServer;
  let secure: TestServer;
  let mismatched: TestServer;
  const opts = (): HttpGetOptions => ({ allow: 'loopback', timeoutMs: 3000, ca: cert?.cert });

  beforeAll(async () => {
    plain = await startServer(
      (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss/>'),
    );
    secure = await startHttpsServer(cert!, (req, res) => {
      if (req.url === '/robots.txt') return void res.writeHead(404).end();
      if (req.url === '/to-http') return void res.writeHead(301, { location: `${plain.url}/feed` }).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss/>');
    });
    mismatched = await startHttpsServer(localhostOnly!, (_req, res) => void res.end('<rss/>'));
  });
  afterAll(async () => {
    await plain.close();
    await secure.close();
    await mismatched.close();
  });

  it('fetches over TLS from a server whose CA it trusts', async () => {
    const res = await httpGet(`${secure.url}/feed`, opts());
    expect(res).toMatchObject({ status: 200, downgraded: false });
    expect(res.body.toString()).toBe('<rss/>');
  });

  it('reports an untrusted self-signed certificate as tls', async () => {
    const err = await rejection(httpGet(`${secure.url}/feed`, { ...opts(), ca: undefined }));
    expect(err).toMatchObject({ reason: 'tls', permanent: false });
    expect(err.message).toMatch(/SELF_SIGNED/);
  });

  it('reports a certificate for another name as tls', async () => {
    const err = await rejection(httpGet(`${mismatched.url}/feed`, { ...opts(), ca: localhostOnly?.cert }));
    expect(err).toMatchObject({ reason: 'tls' });
    expect(err.message).toMatch(/ALTNAME|does not match/i);
  });

  it('follows a redirect from https to http and notes the downgrade', async () => {
    const res = await httpGet(`${secure.url}/to-http`, opts());
    expect(res).toMatchObject({ url: `${plain.url}/feed`, downgraded: true });
  });

  it('logs the downgrade as a warning in the Fetcher', async () => {
    const warnings: string[] = [];
    const logger: FetchLogger = { warn: (_obj, msg) => warnings.push(msg) };
    const f = new Fetcher({ allow: 'loopback', minDelayMs: 0, ca: cert?.cert, logger });
    await expect(f.fetch({ url: `${secure.url}/to-http` })).resolves.toMatchObject({ status: 'ok', downgraded: true });
    expect(warnings).toEqual(['Redirect went from https to http']);
  });
});
