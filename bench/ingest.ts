// Ingestion benchmark: items/s and MB/s of the CPU side of a poll (decodeBody + parseBody + toItems, exactly
// what pollSource runs after the fetch) over the real feeds of the shared corpus, next to the floor:
// rss-parser's parseString alone on the same files' text. Our feed parsing was built on it; it now reads
// well-formed feeds with htmlparser2 (src/parse/xml-tree.ts) and keeps rss-parser for documents strict XML
// rejects, which no real feed of the corpus is.
//
//   npm run bench:ingest            progress on stderr; the last line of stdout is one JSON object
//   BENCH_PASSES=3 BENCH_PASS_MS=500 npm run bench:ingest
//
// No network: every file of ../shared/corpus/feeds/real is read into memory once. MB are 10^6 bytes of the
// files as served (before decoding). The pipeline gets the raw bytes; the floor gets text decoded outside
// the timing (TextDecoder, in the charset decodeBody finds: utf-8, or windows-1251/1252 for three files).
// The floor skips the one JSON Feed (rss-parser reads XML only), so ratio_to_floor compares the two on the
// XML files alone, the same bytes; items_per_s and mb_per_s of the pipeline are over every real file. A
// file that fails (dailymail: a channel without items) is timed like the others: the work was done.
// Items of the pipeline are Items (Al-Monitor's repeats dropped: 11 of 20); items of the floor are the
// entries rss-parser returns.
//
// Started under tsx (as `npm run bench:ingest` does), it emits itself and the source it imports as plain
// JavaScript (bench/build.ts) and runs that with node, as bench/rules.ts does, so it times the code that
// ships rather than tsx's transform of it. BENCH_TSX=1 times under tsx instead.
//
// Single-threaded. Warm-up, then passes of at least BENCH_PASS_MS each, pipeline and floor interleaved so
// drift on a shared machine hits both alike. The best pass is reported (other work only ever slows a pass
// down), the median beside it.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Parser from 'rss-parser';
import { decodeBody } from '../src/fetch/charset.js';
import { toItems } from '../src/items/index.js';
import type { Source } from '../src/model/watchbook.js';
import { parseBody } from '../src/parse/index.js';

const env = (name: string, fallback: number) => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
};
const PASSES = env('BENCH_PASSES', 5);
const PASS_MS = env('BENCH_PASS_MS', 1000);
const WARMUP_MS = env('BENCH_WARMUP_MS', 1000);
/** The fetch time handed to parse and items/: after every date in the corpus, so none is "in the future". */
const NOW = Date.UTC(2026, 10, 26);

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface CorpusFile {
  name: string;
  bytes: Buffer;
  type: 'rss' | 'json';
  source: Source;
  /** The text rss-parser gets, decoded outside the timing; undefined for the JSON Feed. */
  text?: string;
}

function loadCorpus(dir: string): CorpusFile[] {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(dir, name));
      const type = name.endsWith('.json') ? 'json' : 'rss';
      const url = `https://corpus.invalid/real/${name}`;
      const source: Source = {
        id: name.replace(/\.\w+$/, ''),
        type,
        url,
        everyMs: 60_000,
        credibility: 1,
        lang: 'und',
        tags: [],
      };
      const file: CorpusFile = { name, bytes, type, source };
      if (type === 'rss') file.text = new TextDecoder(decodeBody(bytes).charset).decode(bytes);
      return file;
    });
}

/** decode + parse + normalize, as pollSource runs them on a fetched body. Items made, 0 when the file fails. */
async function pipeline(file: CorpusFile): Promise<number> {
  try {
    const decoded = decodeBody(file.bytes);
    const parsed = await parseBody(decoded.text, { type: file.type, url: file.source.url, now: NOW });
    return toItems(parsed.entries, file.source, new Date(NOW)).items.length;
  } catch {
    return 0;
  }
}

/** Milliseconds spent in each step of the pipeline over `rounds` rounds of the files (the stage breakdown). */
async function stages(
  files: CorpusFile[],
  rounds: number,
): Promise<{ decode: number; parse: number; normalize: number }> {
  const ms = { decode: 0, parse: 0, normalize: 0 };
  for (let r = 0; r < rounds; r++) {
    for (const file of files) {
      const a = performance.now();
      let b = a;
      let c = a;
      try {
        const decoded = decodeBody(file.bytes);
        b = performance.now();
        const parsed = await parseBody(decoded.text, { type: file.type, url: file.source.url, now: NOW });
        c = performance.now();
        toItems(parsed.entries, file.source, new Date(NOW));
      } catch {
        // dailymail fails in parse: its time counts there
      }
      const d = performance.now();
      ms.decode += b - a;
      ms.parse += Math.max(c, b) - b;
      ms.normalize += d - Math.max(c, b);
    }
  }
  return ms;
}

const rssParser = new Parser();
async function floor(file: CorpusFile): Promise<number> {
  try {
    return (await rssParser.parseString(file.text!)).items.length;
  } catch {
    return 0;
  }
}

/** A timed workload: whole rounds over its files, the time spent on each file summed separately. */
class Workload {
  readonly passes: { ms: number[]; rounds: number }[] = [];

  constructor(
    readonly name: string,
    readonly files: CorpusFile[],
    private readonly fn: (f: CorpusFile) => Promise<number>,
  ) {}

  async run(minMs: number, record = true): Promise<void> {
    const ms = this.files.map(() => 0);
    let rounds = 0;
    const t0 = performance.now();
    do {
      for (let i = 0; i < this.files.length; i++) {
        const a = performance.now();
        await this.fn(this.files[i]!);
        ms[i]! += performance.now() - a;
      }
      rounds++;
    } while (performance.now() - t0 < minMs);
    if (record) this.passes.push({ ms, rounds });
  }

  /** Per pass: units per second over the files `keep` accepts, each file's units per round given by `units`. */
  rates(units: (f: CorpusFile) => number, keep: (f: CorpusFile) => boolean = () => true): number[] {
    return this.passes.map(({ ms, rounds }) => {
      let u = 0;
      let t = 0;
      this.files.forEach((f, i) => {
        if (!keep(f)) return;
        u += units(f);
        t += ms[i]!;
      });
      return (u * rounds) / (t / 1000);
    });
  }
}

/** feeds/real of the shared corpus, beside the repository (never copied into it). */
function corpusDir(self: string): string {
  const repoRoot = resolve(dirname(self), '..');
  return process.env.BENCH_CORPUS ?? join(resolve(repoRoot, '../shared/corpus'), 'feeds', 'real');
}

async function main() {
  // The corpus is found from the repository, which the emitted copy does not live in.
  if (import.meta.url.endsWith('.ts') && process.env.BENCH_TSX !== '1') {
    (await import('./build.js')).runEmitted(import.meta.url, 'bench:ingest', {
      ...process.env,
      BENCH_CORPUS: corpusDir(fileURLToPath(import.meta.url)),
    });
  }
  const started = performance.now();
  const runtime = import.meta.url.endsWith('.ts') ? 'tsx' : 'node';
  const dir = corpusDir(fileURLToPath(import.meta.url));
  const files = loadCorpus(dir);
  const xml = files.filter((f) => f.text !== undefined);
  const bytes = (fs: CorpusFile[]) => fs.reduce((n, f) => n + f.bytes.length, 0);
  log(
    `bench:ingest ${files.length} files, ${fmt(bytes(files))} bytes from ${dir}; ${PASSES} passes of >= ${PASS_MS} ms, node ${process.version} (${runtime})`,
  );
  log(
    `  floor: rss-parser parseString on the ${xml.length} XML files (${fmt(bytes(xml))} bytes); skipped: ${files
      .filter((f) => !f.text)
      .map((f) => f.name)
      .join(', ')}`,
  );

  // Once, untimed: what each side makes of each file.
  const items = new Map<CorpusFile, number>();
  const entries = new Map<CorpusFile, number>();
  for (const f of files) {
    items.set(f, await pipeline(f));
    if (f.text !== undefined) entries.set(f, await floor(f));
  }
  const failed = files.filter((f) => items.get(f) === 0).map((f) => f.name);
  const totalItems = files.reduce((n, f) => n + items.get(f)!, 0);
  log(`  pipeline: ${totalItems} items${failed.length ? `; no item from ${failed.join(', ')}` : ''}`);
  log(`  floor: ${xml.reduce((n, f) => n + entries.get(f)!, 0)} entries`);

  const ours = new Workload('pipeline', files, pipeline);
  const base = new Workload('rss-parser', xml, floor);
  await ours.run(WARMUP_MS, false);
  await base.run(WARMUP_MS, false);
  const mb = (f: CorpusFile) => f.bytes.length / 1e6;
  const isXml = (f: CorpusFile) => f.text !== undefined;
  for (let p = 0; p < PASSES; p++) {
    await ours.run(PASS_MS);
    await base.run(PASS_MS);
    log(
      `  pass ${p + 1}: pipeline ${fmt(ours.rates(mb).at(-1)!, 2)} MB/s, ${fmt(ours.rates((f) => items.get(f)!).at(-1)!)} items/s; ` +
        `rss-parser ${fmt(base.rates(mb).at(-1)!, 2)} MB/s, ${fmt(base.rates((f) => entries.get(f)!).at(-1)!)} items/s`,
    );
  }

  const best = (xs: number[]) => Math.max(...xs);
  const r = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const ips = ours.rates((f) => items.get(f)!);
  const mbps = ours.rates(mb);
  const xmlMbps = ours.rates(mb, isXml);
  const floorIps = base.rates((f) => entries.get(f)!);
  const floorMbps = base.rates(mb);
  // Same bytes on both sides: pipeline MB/s on the XML files over rss-parser's on them.
  const ratio = best(xmlMbps) / best(floorMbps);

  log('');
  log(`best of ${PASSES} passes (median):`);
  log(
    `  decode+parse+normalize, all ${files.length} files  ${fmt(best(mbps), 2).padStart(6)} MB/s (${fmt(median(mbps), 2)})  ${fmt(best(ips)).padStart(7)} items/s (${fmt(median(ips))})`,
  );
  log(
    `  decode+parse+normalize, ${xml.length} XML files  ${fmt(best(xmlMbps), 2).padStart(6)} MB/s (${fmt(median(xmlMbps), 2)})`,
  );
  log(
    `  rss-parser parseString, ${xml.length} XML files  ${fmt(best(floorMbps), 2).padStart(6)} MB/s (${fmt(median(floorMbps), 2)})  ${fmt(best(floorIps)).padStart(7)} items/s (${fmt(median(floorIps))})`,
  );
  log(`  ratio to floor (same bytes): ${ratio.toFixed(3)}`);
  // Where the pipeline's time goes, timed apart (outside the passes above).
  const split = await stages(files, Math.max(1, Math.round(PASS_MS / (1000 * (bytes(files) / 1e6 / best(mbps))))));
  const splitTotal = split.decode + split.parse + split.normalize;
  const share = (x: number) => r(x / splitTotal, 3);
  log(
    `  time split: decode ${pct(split.decode / splitTotal)}, parse ${pct(split.parse / splitTotal)}, normalize ${pct(split.normalize / splitTotal)}`,
  );
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // prettier-ignore
  const result = {
    bench: 'ingest',
    items_per_s: r(best(ips)),
    mb_per_s: r(best(mbps), 3),
    floor: { items_per_s: r(best(floorIps)), mb_per_s: r(best(floorMbps), 3), files: xml.length, bytes: bytes(xml), skipped: files.filter((f) => !isXml(f)).map((f) => f.name) },
    ratio_to_floor: r(ratio, 3),
    files: files.length,
    bytes: bytes(files),
    items: totalItems,
    median: { items_per_s: r(median(ips)), mb_per_s: r(median(mbps), 3), floor_items_per_s: r(median(floorIps)), floor_mb_per_s: r(median(floorMbps), 3) },
    xml_mb_per_s: r(best(xmlMbps), 3),
    time_split: { decode: share(split.decode), parse: share(split.parse), normalize: share(split.normalize) },
    passes: PASSES,
    pass_ms: PASS_MS,
    runtime,
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
