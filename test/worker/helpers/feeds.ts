// Loopback feed servers for worker processes: one HTTP server per source, since the fetcher's politeness is
// per host:port and sources on one port would wait for each other. Each server answers /robots.txt with a
// 404 (allow all) and /feed.xml with its RSS, and counts requests, so a test can see who fetched what, at
// once or not, and can hold a response open (a slow body) to catch a fetch in flight.
import type { ServerResponse } from 'node:http';
import { startServer, type TestServer } from '../../helpers/server.js';

export interface FeedEntry {
  guid: string;
  title: string;
  summary?: string;
  link?: string;
  published: Date;
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The head of an RSS 2.0 document, up to the first item; `rssTail` closes it. */
export function rssHead(title: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${escapeXml(title)}</title><link>http://example.org/</link><description>fixture</description>\n`;
}

export function rssItems(entries: readonly FeedEntry[]): string {
  return entries
    .map(
      (e) =>
        `<item><guid isPermaLink="false">${escapeXml(e.guid)}</guid><title>${escapeXml(e.title)}</title>` +
        (e.link ? `<link>${escapeXml(e.link)}</link>` : '') +
        (e.summary ? `<description>${escapeXml(e.summary)}</description>` : '') +
        `<pubDate>${e.published.toUTCString()}</pubDate></item>\n`,
    )
    .join('');
}

export const rssTail = '</channel></rss>\n';

export function rssFeed(title: string, entries: readonly FeedEntry[]): string {
  return rssHead(title) + rssItems(entries) + rssTail;
}

export interface FixtureSource {
  id: string;
  entries: FeedEntry[];
  /** How long to hold the n-th feed request (0-based) after sending the head of the body; 0 by default. */
  holdMs?: (n: number) => number;
}

/** One feed request as the server saw it. */
export interface FeedRequest {
  source: string;
  /** 0-based, per source. */
  n: number;
  /** The client's port: with the server's, it names the TCP connection (and so the process) that asked. */
  clientPort: number;
  startedAt: number;
  /** The whole body was sent. */
  finished: boolean;
  /** The client went away before the body was complete. */
  aborted: boolean;
}

interface Served {
  source: FixtureSource;
  server: TestServer;
  body: { head: string; rest: string };
  inFlight: number;
  maxInFlight: number;
}

export class FeedFixture {
  readonly requests: FeedRequest[] = [];
  private readonly served = new Map<string, Served>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor() {}

  static async start(sources: readonly FixtureSource[]): Promise<FeedFixture> {
    const fixture = new FeedFixture();
    for (const source of sources) {
      const body = { head: rssHead(source.id), rest: rssItems(source.entries) + rssTail };
      const server = await startServer((req, res) =>
        fixture.handle(source.id, req.url ?? '', req.socket.remotePort ?? 0, res),
      );
      fixture.served.set(source.id, { source, server, body, inFlight: 0, maxInFlight: 0 });
    }
    return fixture;
  }

  /** Serve `entries` as the source's feed from now on (a feed that moved on: new items at its top). */
  serve(id: string, entries: readonly FeedEntry[]): void {
    this.get(id).body = { head: rssHead(id), rest: rssItems(entries) + rssTail };
  }

  /** The feed URL of a source. */
  url(id: string): string {
    return `${this.get(id).server.url}/feed.xml`;
  }

  port(id: string): number {
    return this.get(id).server.port;
  }

  /** Feed requests a source has had (begun). */
  count(id: string): number {
    return this.requests.filter((r) => r.source === id).length;
  }

  /** The most feed requests a source had open at one time. */
  maxInFlight(id: string): number {
    return this.get(id).maxInFlight;
  }

  inFlight(id: string): FeedRequest[] {
    return this.requests.filter((r) => r.source === id && !r.finished && !r.aborted);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.served.values()].map((s) => s.server.close()));
  }

  private get(id: string): Served {
    const s = this.served.get(id);
    if (!s) throw new Error(`no fixture source ${id}`);
    return s;
  }

  private handle(id: string, path: string, clientPort: number, res: ServerResponse): void {
    if (path !== '/feed.xml') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const s = this.get(id);
    const request: FeedRequest = {
      source: id,
      n: this.count(id),
      clientPort,
      startedAt: Date.now(),
      finished: false,
      aborted: false,
    };
    this.requests.push(request);
    s.inFlight++;
    s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
    res.on('close', () => {
      s.inFlight--;
      if (!res.writableFinished) request.aborted = true;
    });
    res.on('finish', () => (request.finished = true));
    const hold = s.source.holdMs?.(request.n) ?? 0;
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
    if (hold <= 0) return void res.end(s.body.head + s.body.rest);
    // A slow body: the head now, the rest after `hold`.
    res.write(s.body.head);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!res.destroyed) res.end(s.body.rest);
    }, hold);
    this.timers.add(timer);
  }
}
