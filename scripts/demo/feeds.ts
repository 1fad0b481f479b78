// The demo's recorded week of news (demo/timeline.json) served as RSS from a loopback server: the items
// marked initial from the start, then one more at each reveal(), so the demo sees news arrive.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Timeline {
  sources: Record<string, { title: string; lang: string }>;
  items: { source: string; hoursAgo: number; title: string; summary: string; initial?: boolean }[];
}

export interface RecordedFeeds {
  /** `http://127.0.0.1:PORT`; a source's feed is `${url}/feeds/${id}.xml`. */
  url: string;
  timeline: Timeline;
  /** Show one more item; false once all are shown. */
  reveal(): boolean;
  close(): Promise<void>;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function readTimeline(): Timeline {
  return JSON.parse(readFileSync(new URL('../../demo/timeline.json', import.meta.url), 'utf8')) as Timeline;
}

/** Serve the timeline; item dates are `hoursAgo` before `started`. */
export async function serveRecordedFeeds(timeline: Timeline, started: number): Promise<RecordedFeeds> {
  let revealed = timeline.items.filter((i) => i.initial).length;
  // The source's feed as it stood: the items revealed so far, newest first.
  const feed = (id: string): string => {
    const items = timeline.items
      .slice(0, revealed)
      .map((item, n) => ({ ...item, n }))
      .filter((item) => item.source === id)
      .reverse()
      .map(
        (item) =>
          `<item><guid isPermaLink="false">demo-${item.n}</guid><title>${escape(item.title)}</title>` +
          `<description>${escape(item.summary)}</description><link>https://example.org/demo/${item.n}</link>` +
          `<pubDate>${new Date(started - item.hoursAgo * 3_600_000).toUTCString()}</pubDate></item>`,
      );
    return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${escape(timeline.sources[id]?.title ?? id)}</title>${items.join('')}</channel></rss>`;
  };
  const server = createServer((req, res) => {
    const id = /^\/feeds\/([a-z0-9-]+)\.xml$/.exec(req.url ?? '')?.[1];
    if (!id || !timeline.sources[id]) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed(id));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    timeline,
    reveal: () => (revealed < timeline.items.length ? (revealed++, true) : false),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
