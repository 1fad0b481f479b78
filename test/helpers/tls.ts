// Self-signed certificates for HTTPS fixtures on loopback, made with the openssl command when it exists
// (tests that need one skip without it). Node cannot create X.509 certificates by itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestServer } from './server.js';

export interface Certificate {
  key: string;
  cert: string;
}

/** A fresh self-signed certificate for the given subjectAltName (e.g. `IP:127.0.0.1,DNS:localhost`), or undefined without openssl. */
export function selfSignedCertificate(altNames = 'IP:127.0.0.1,DNS:localhost'): Certificate | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'signpost-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=signpost-test',
        '-addext',
        `subjectAltName=${altNames}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An HTTPS server on 127.0.0.1 with an ephemeral port. */
export async function startHttpsServer(cert: Certificate, handler: RequestListener): Promise<TestServer> {
  const server = https.createServer(cert, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
