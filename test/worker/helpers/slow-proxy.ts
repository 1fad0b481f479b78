// A TCP proxy on loopback that holds every chunk a client sends for `delayMs` before passing it on, in
// order: a slow network to a real Redis, so a test can catch a worker between two of its writes. For a
// Redis Cluster, one proxy per node, and a URL whose `nat` sends the client to the proxies for every node
// the cluster announces (a cluster client otherwise connects to the nodes themselves once it has the slot map).
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { parseRedisUrl } from '../../../src/queue/index.js';

export interface SlowProxy {
  /** redis://127.0.0.1:PORT, to hand to the process under test. */
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startSlowProxy(target: string, delayMs: number): Promise<SlowProxy> {
  const parsed = parseRedisUrl(target);
  if (parsed.kind === 'sentinel') throw new Error('slow proxy: not for Sentinel URLs');
  if (parsed.kind === 'server') {
    const { hostname, port } = new URL(target);
    return startOne(hostname, Number(port || 6379), delayMs);
  }
  const seed = parsed.nodes[0]!;
  const probe = new Redis({ host: seed.host, port: seed.port, maxRetriesPerRequest: 1 });
  // CLUSTER NODES lines: `<id> <host>:<port>@<bus port> <flags> ...`, the addresses clients are sent to.
  const nodes = ((await probe.cluster('NODES')) as string)
    .trim()
    .split('\n')
    .map((line) => line.split(' ')[1]!.split('@')[0]!);
  probe.disconnect();
  const proxies = await Promise.all(
    nodes.map((n) => startOne(n.slice(0, n.lastIndexOf(':')), Number(n.slice(n.lastIndexOf(':') + 1)), delayMs)),
  );
  const ports = proxies.map((p) => new URL(p.url).port);
  const nat = nodes.map((n, i) => `${n}>127.0.0.1:${ports[i]}`).join(',');
  return {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}?nat=${nat}`,
    connections: () => proxies.reduce((sum, p) => sum + p.connections(), 0),
    close: async () => void (await Promise.all(proxies.map((p) => p.close()))),
  };
}

async function startOne(hostname: string, port: number, delayMs: number): Promise<SlowProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = createConnection({ host: hostname, port });
    sockets.add(client).add(upstream);
    // Timers of one duration fire in the order they were set, so the byte stream keeps its order.
    client.on('data', (chunk) => setTimeout(() => upstream.writable && upstream.write(chunk), delayMs));
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('slow proxy: no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    connections: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
