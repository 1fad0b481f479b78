// A TCP proxy on loopback that holds every chunk a client sends for `delayMs` before passing it on, in
// order: a slow network to a real Redis, so a test can catch a worker between two of its writes.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface SlowProxy {
  /** redis://127.0.0.1:PORT, to hand to the process under test. */
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startSlowProxy(target: string, delayMs: number): Promise<SlowProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = createConnection({ host: hostname, port: Number(port || 6379) });
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
