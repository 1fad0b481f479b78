// `signpost fetch`: one source (from the watchbook, or given with --url) fetched once as the worker would.
import { parseDuration } from '../config/index.js';
import { Fetcher } from '../fetch/index.js';
import { redactText } from '../model/redact.js';
import type { Source } from '../model/watchbook.js';
import { pollFailure, pollSource } from '../pipeline/poll.js';
import { loadOrReport } from './load.js';

type Values = Record<string, string | boolean | undefined>;

const SOURCE_TYPES = ['rss', 'html', 'json'] as const;

/**
 * `signpost fetch`: fetch a source once, as the worker would, and print its items as JSON lines. On failure
 * the reason word (timeout, http-4xx, parse-error, ...) starts the message on stderr and the exit code is 1.
 */
export async function runFetch(config: string, positionals: string[], v: Values): Promise<number> {
  const target = v.url === undefined ? fromWatchbook(config, positionals) : fromFlags(v, positionals);
  if (typeof target === 'string') {
    console.error(`signpost fetch: ${target}`);
    return 2;
  }
  if (!target) return 1;
  const timeoutMs = v.timeout === undefined ? undefined : parseDuration(v.timeout as string);
  if (v.timeout !== undefined && timeoutMs === undefined) {
    console.error(`signpost fetch: --timeout expects a duration such as 10s, got ${String(v.timeout)}`);
    return 2;
  }
  const fetcher = new Fetcher({
    ...(target.contact && { contact: target.contact }),
    minDelayMs: 0,
    sources: () => [target.source],
  });
  // Nothing printed shows a secret of the source: the final URL is the real one, redirects and all.
  const shown = (text: string) => redactText(text, [target.source]);
  try {
    const result = await pollSource(target.source, {
      fetcher,
      allowPrivate: target.allowPrivate,
      ...(timeoutMs !== undefined && { timeoutMs }),
    });
    for (const w of result.warnings) console.error(`warning: ${shown(w)}`);
    if (result.status === 'ok') {
      for (const item of result.items) process.stdout.write(`${JSON.stringify(item)}\n`);
      console.error(`${result.items.length} item${result.items.length === 1 ? '' : 's'} from ${shown(result.url)}`);
    }
    return 0;
  } catch (err) {
    const failure = pollFailure(err);
    if (!failure) throw err;
    console.error(`${failure.reason}: ${shown(failure.message)}`);
    return 1;
  }
}

interface Target {
  source: Source;
  allowPrivate: boolean;
  contact?: string;
}

function fromWatchbook(config: string, positionals: string[]): Target | string | undefined {
  if (positionals.length !== 1) return 'give one SOURCE_ID, or --url URL';
  const wb = loadOrReport(config);
  if (!wb) return undefined;
  const source = wb.sources.find((s) => s.id === positionals[0]);
  if (!source) {
    console.error(
      `signpost fetch: no source "${positionals[0]}" in ${config}; sources: ${wb.sources.map((s) => s.id).join(', ')}`,
    );
    return undefined;
  }
  return { source, allowPrivate: wb.watch.allowPrivate, ...(wb.watch.contact && { contact: wb.watch.contact }) };
}

function fromFlags(v: Values, positionals: string[]): Target | string {
  if (positionals.length) return 'give either a SOURCE_ID or --url, not both';
  const type = (v.type ?? 'rss') as string;
  if (!(SOURCE_TYPES as readonly string[]).includes(type)) return `--type must be one of ${SOURCE_TYPES.join(', ')}`;
  let select: Source['select'];
  if (v.select !== undefined) {
    try {
      select = JSON.parse(v.select as string) as Source['select'];
    } catch {
      return '--select expects JSON such as {"item":"article","title":"h2","link":"h2 a@href"}';
    }
    if (
      !select ||
      typeof select.item !== 'string' ||
      typeof select.title !== 'string' ||
      typeof select.link !== 'string'
    ) {
      return '--select needs at least "item", "title" and "link" selectors';
    }
  }
  if (type === 'html' && !select) return '--type html needs --select';
  const source: Source = {
    id: 'cli',
    type: type as Source['type'],
    url: v.url as string,
    everyMs: 0,
    credibility: 0.5,
    lang: 'und',
    tags: [],
    ...(select && { select }),
  };
  return { source, allowPrivate: v['allow-private'] === true };
}
