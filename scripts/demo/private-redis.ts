// A redis-server of the demo's own, for a machine with Redis installed but not running: a free loopback
// port, a temporary directory, no persistence, and killed when the demo stops or the process exits.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Start `binary` (redis-server) and wait until it accepts connections; undefined when it is not installed.
 * Another process may take the free port before Redis binds it: then the next free port is tried.
 */
export async function startPrivateRedis(
  binary = 'redis-server',
  timeoutMs = 15_000,
): Promise<PrivateRedis | undefined> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'signpost-demo-redis-'));
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    let output = '';
    const ready = await new Promise<'ready' | 'missing' | 'failed'>((resolve) => {
      const timer = setTimeout(() => resolve('failed'), timeoutMs);
      const read = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (!output.includes('Ready to accept connections')) return;
        clearTimeout(timer);
        resolve('ready');
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve(err.code === 'ENOENT' ? 'missing' : 'failed');
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve('failed');
      });
    });
    const cleanup = async () => {
      process.removeListener('exit', kill);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    };
    if (ready === 'ready') return { url: `redis://127.0.0.1:${port}`, stop: cleanup };
    await cleanup();
    if (ready === 'missing') return undefined;
    if (attempt >= 3)
      throw new Error(
        `demo: ${binary} did not start on 127.0.0.1:${port}: ${output.trim().split('\n').slice(-3).join(' | ') || 'no output'}`,
      );
  }
}
