// Loopback feeds that change over time: one HTTP server per source (the fetcher's politeness is per
// host:port), each serving the items published so far as RSS, with an ETag, and a 304 to a request whose
// If-None-Match names the current one. Counts polls per source, and when each happened.
import { createHash } from 'node:crypto';
import { rssFeed, type FeedEntry } from '../../test/worker/helpers/feeds.js';
import { startServer, type TestServer } from '../../test/helpers/server.js';

export interface TimedEntry extends FeedEntry {
  /** Epoch ms from which the feed carries it. */
  visibleAt: number;
}

interface Source {
  id: string;
  server: TestServer;
  entries: TimedEntry[];
  polls: number[];
  notModified: number;
}

export class LiveFeeds {
  private readonly sources = new Map<string, Source>();

  private constructor() {}

  static async start(ids: readonly string[]): Promise<LiveFeeds> {
    const feeds = new LiveFeeds();
    // A few at a time: thousands of listens at once would only queue in the kernel.
    for (let i = 0; i < ids.length; i += 100) {
      await Promise.all(
        ids.slice(i, i + 100).map(async (id) => {
          const source: Source = {
            id,
            server: undefined as unknown as TestServer,
            entries: [],
            polls: [],
            notModified: 0,
          };
          source.server = await startServer((req, res) => {
            if (req.url !== '/feed.xml')
              return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
            source.polls.push(Date.now());
            const now = Date.now();
            const visible = source.entries.filter((e) => e.visibleAt <= now);
            const body = rssFeed(id, visible);
            const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
            if (req.headers['if-none-match'] === etag) {
              source.notModified++;
              return void res.writeHead(304, { etag }).end();
            }
            res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(body);
          });
          feeds.sources.set(id, source);
        }),
      );
    }
    return feeds;
  }

  url(id: string): string {
    return `${this.get(id).server.url}/feed.xml`;
  }

  add(id: string, entry: TimedEntry): void {
    this.get(id).entries.push(entry);
  }

  /** Polls of one source (or all), optionally only those at or after `since`. */
  polls(id?: string, since = 0): number {
    const list = id ? [this.get(id)] : [...this.sources.values()];
    return list.reduce((n, s) => n + s.polls.filter((t) => t >= since).length, 0);
  }

  /** The first poll of any source at or after `since`, or undefined. */
  firstPollAfter(since: number): number | undefined {
    let first: number | undefined;
    for (const s of this.sources.values())
      for (const t of s.polls) if (t >= since && (first === undefined || t < first)) first = t;
    return first;
  }

  notModified(): number {
    return [...this.sources.values()].reduce((n, s) => n + s.notModified, 0);
  }

  async close(): Promise<void> {
    await Promise.all([...this.sources.values()].map((s) => s.server.close()));
  }

  private get(id: string): Source {
    const s = this.sources.get(id);
    if (!s) throw new Error(`feeds: no source ${id}`);
    return s;
  }
}
