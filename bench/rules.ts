// Rule-engine benchmark: items/s of the Matcher at 10, 100 and 1,000 rules on a seeded corpus of ~1 KB news
// items in English, Ukrainian and Russian, against the floor (normalize + tokenize only) and two peers given
// the same 1,000 rules (naive substring scans, json-rules-engine).
//
//   npm run bench:rules             progress on stderr; the last line of stdout is one JSON object
//   BENCH_SEED=7 BENCH_ITEMS=2000 BENCH_PASSES=3 BENCH_PASS_MS=500 npm run bench:rules
//
// Started under tsx (as `npm run bench:rules` does), it first emits itself and the source it imports as
// plain JavaScript (bench/build.ts) and runs that with node, so it times the code that ships rather than
// tsx's transform of it, which is several times slower for the rule engine. BENCH_TSX=1 times under tsx.
//
// Single-threaded. Compiling the rules is outside the timing. Every configuration is warmed up, then timed in
// passes of at least BENCH_PASS_MS each, interleaved so drift on a shared machine hits all alike. The best
// pass is reported: other work on the machine only ever slows a pass down (the medians are reported too).
//
// To profile the Matcher alone: BENCH_ONLY=matcher node --import tsx --cpu-prof bench/rules.ts (the flags
// are passed on to the node that runs the emitted JavaScript).

import { performance } from 'node:perf_hooks';
import type { MatchInput } from '../src/model/item.js';
import { FIELDS } from '../src/model/watchbook.js';
import { Matcher, normalizeText, tokenize } from '../src/rules/index.js';
import { buildVocab, generateCorpus, itemBytes, type Item } from './corpus.js';
import { JsonRulesEnginePeer, NaiveMatcher } from './peers.js';
import { Rng } from './prng.js';
import { generateRules } from './rulegen.js';

const env = (name: string, fallback: number) => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
};
const SEED = env('BENCH_SEED', 20251121);
const ITEMS = env('BENCH_ITEMS', 5000);
const PASSES = env('BENCH_PASSES', 5);
const PASS_MS = env('BENCH_PASS_MS', 1000);
const WARMUP_MS = env('BENCH_WARMUP_MS', 600);
const SIZES = [10, 100, 1000] as const;
/** json-rules-engine is timed round robin on the first this many items (it manages a few items/s with 1,000 rules). */
const JRE_ITEMS = 300;
const JRE_MIN_ITEMS = 15;
/** Items on which the peers' answers are compared with the Matcher's. */
const AGREE_ITEMS = 500;
const JRE_AGREE_ITEMS = 60;
/** BENCH_ONLY=matcher: the floor and the Matcher only, no peers (for profiling). */
const ONLY_MATCHER = process.env.BENCH_ONLY === 'matcher';

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

let sink = 0;

/** Items/s of fn over the items, in round-robin order, for at least ms milliseconds. */
class Bench {
  private next = 0;
  readonly rates: number[] = [];

  constructor(
    readonly name: string,
    private readonly count: number,
    private readonly fn: (i: number) => number,
  ) {}

  run(ms: number, record = true): number {
    let done = 0;
    let acc = 0;
    const t0 = performance.now();
    let t = t0;
    do {
      for (let k = 0; k < 16; k++) {
        acc += this.fn(this.next);
        if (++this.next === this.count) this.next = 0;
      }
      done += 16;
      t = performance.now();
    } while (t - t0 < ms);
    sink += acc;
    const rate = done / ((t - t0) / 1000);
    if (record) this.rates.push(rate);
    return rate;
  }
}

class AsyncBench {
  private next = 0;
  readonly rates: number[] = [];

  constructor(
    readonly name: string,
    private readonly count: number,
    private readonly fn: (i: number) => Promise<number>,
  ) {}

  /** At least ms milliseconds and at least minItems items: a slow peer's items differ in cost. */
  async run(ms: number, record = true, minItems = 1): Promise<number> {
    let done = 0;
    let acc = 0;
    const t0 = performance.now();
    let t = t0;
    do {
      acc += await this.fn(this.next);
      if (++this.next === this.count) this.next = 0;
      done++;
      t = performance.now();
    } while (t - t0 < ms || done < minItems);
    sink += acc;
    const rate = done / ((t - t0) / 1000);
    if (record) this.rates.push(rate);
    return rate;
  }
}

/** How far a peer's (item, rule) matches agree with the Matcher's, over the rules keep accepts. */
function agreement(reference: string[][], peer: string[][], keep: (rule: string) => boolean = () => true) {
  let both = 0;
  let onlyRef = 0;
  let onlyPeer = 0;
  let sameItems = 0;
  for (let i = 0; i < peer.length; i++) {
    const a = new Set(reference[i]!.filter(keep));
    const b = new Set(peer[i]!.filter(keep));
    let same = a.size === b.size;
    for (const r of a) {
      if (b.has(r)) both++;
      else {
        onlyRef++;
        same = false;
      }
    }
    for (const r of b) if (!a.has(r)) onlyPeer++;
    if (same) sameItems++;
  }
  const union = both + onlyRef + onlyPeer;
  return { jaccard: union ? both / union : 1, sameItems: sameItems / peer.length, both, onlyRef, onlyPeer };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

async function main() {
  if (import.meta.url.endsWith('.ts') && process.env.BENCH_TSX !== '1')
    (await import('./build.js')).runEmitted(import.meta.url, 'bench:rules ');
  const started = performance.now();
  const runtime = import.meta.url.endsWith('.ts') ? 'tsx' : 'node';
  log(
    `bench:rules  seed ${SEED}, ${ITEMS} items, ${PASSES} passes of >= ${PASS_MS} ms, node ${process.version}${runtime === 'tsx' ? ' under tsx' : ''}`,
  );

  // --- corpus and rules -----------------------------------------------------------------------------------------
  const rng = new Rng(SEED);
  const vocab = buildVocab(rng);
  const items = generateCorpus(rng, vocab, ITEMS);
  const rules = generateRules(new Rng(SEED ^ 0x9e3779b9), vocab, 1000);
  const ruleSets = new Map(SIZES.map((n) => [n, rules.slice(0, n)]));

  const totalBytes = items.reduce((s, it) => s + itemBytes(it), 0);
  const byLang = { en: 0, uk: 0, ru: 0 };
  for (const it of items) byLang[it.lang]++;
  let words = 0;
  for (const it of items) for (const f of FIELDS) words += tokenize(normalizeText(it[f])).words.length;
  log(
    `corpus: ${items.length} items, avg ${fmt(totalBytes / items.length)} bytes, ${fmt(words / items.length)} words; ` +
      `en ${byLang.en} / uk ${byLang.uk} / ru ${byLang.ru}; vocab en ${vocab.en.words.length}, uk ${vocab.uk.words.length}, ru ${vocab.ru.words.length}`,
  );
  const sample = items[1]!;
  log(`  e.g. [${sample.lang}] ${sample.title} | ${sample.summary.slice(0, 120)}...`);

  const inputs: MatchInput[] = items.map((it: Item) => ({
    title: it.title,
    summary: it.summary,
    content: it.content,
    source: it.source,
    lang: it.lang,
  }));

  const matchers = new Map<number, Matcher>();
  for (const n of SIZES) {
    const t0 = performance.now();
    matchers.set(n, new Matcher(ruleSets.get(n)!));
    log(`compiled ${n} rules in ${(performance.now() - t0).toFixed(1)} ms`);
  }

  // --- match statistics and peer agreement ---------------------------------------------------------------------
  const matchStats: Record<string, { items_matched: number; matches_per_item: number }> = {};
  const reference: string[][] = [];
  for (const n of SIZES) {
    const m = matchers.get(n)!;
    let matched = 0;
    let total = 0;
    inputs.forEach((input, i) => {
      const ms = m.match(input);
      total += ms.length;
      if (ms.length) matched++;
      if (n === 1000) reference[i] = ms.map((x) => x.rule);
    });
    matchStats[n] = { items_matched: matched / items.length, matches_per_item: total / items.length };
    log(
      `  ${String(n).padStart(4)} rules: ${pct(matched / items.length)} of items match a rule, ${(total / items.length).toFixed(3)} matches/item`,
    );
  }
  const perRule = new Map<string, number>();
  for (const ids of reference) for (const id of ids) perRule.set(id, (perRule.get(id) ?? 0) + 1);
  const rates = rules.map((r) => (perRule.get(r.id) ?? 0) / items.length);
  log(
    `  per rule (1000): median ${pct(median(rates))} of items, max ${pct(Math.max(...rates))}, ` +
      `${rates.filter((r) => r === 0).length} rules never match`,
  );

  const naive = ONLY_MATCHER ? undefined : new NaiveMatcher(rules);
  const t0jre = performance.now();
  const jre = ONLY_MATCHER ? undefined : new JsonRulesEnginePeer(rules);
  const agree: Record<string, number> = {};
  if (naive && jre) {
    log(
      `json-rules-engine: 1000 rules, ${jre.termCount} distinct term checks, built in ${(performance.now() - t0jre).toFixed(0)} ms`,
    );
    const step = Math.max(1, Math.floor(items.length / AGREE_ITEMS));
    const agreeIdx = Array.from({ length: Math.min(AGREE_ITEMS, items.length) }, (_, k) => (k * step) % items.length);
    const jreIdx = agreeIdx.slice(0, JRE_AGREE_ITEMS);
    const naiveAnswers = agreeIdx.map((i) => naive.match(items[i]!));
    const jreAnswers: string[][] = [];
    for (const i of jreIdx) jreAnswers.push(await jre.match(items[i]!));
    // Neither peer knows word distance: compare on all rules, and on the rules without `near`.
    const withNear = new Set(rules.filter((r) => JSON.stringify(r.match).includes('"near"')).map((r) => r.id));
    const noNear = (id: string) => !withNear.has(id);
    const peers = [
      ['naive', agreeIdx, naiveAnswers],
      ['json-rules-engine', jreIdx, jreAnswers],
    ] as const;
    for (const [name, idx, answers] of peers) {
      const ref = idx.map((i) => reference[i]!);
      const a = agreement(ref, answers);
      const b = agreement(ref, answers, noNear);
      agree[name] = a.jaccard;
      agree[`${name}_without_near`] = b.jaccard;
      log(
        `agreement with Matcher, ${name} on ${idx.length} items: ${pct(a.jaccard)} of matched (item, rule) pairs in common ` +
          `(${a.both} both, ${a.onlyRef} Matcher only, ${a.onlyPeer} ${name} only), ${pct(a.sameItems)} of items with the same rules; ` +
          `leaving out the ${withNear.size} rules with near: ${pct(b.jaccard)} (${b.onlyRef} Matcher only, ${b.onlyPeer} ${name} only)`,
      );
    }
  }

  // --- timing ---------------------------------------------------------------------------------------------------
  const floor = new Bench('floor', inputs.length, (i) => {
    const it = inputs[i]!;
    let w = tokenize(normalizeText(it.title)).words.length;
    if (it.summary) w += tokenize(normalizeText(it.summary)).words.length;
    if (it.content) w += tokenize(normalizeText(it.content)).words.length;
    return w;
  });
  const benches = [
    floor,
    ...SIZES.map((n) => {
      const m = matchers.get(n)!;
      return new Bench(`matcher ${n}`, inputs.length, (i) => m.match(inputs[i]!).length);
    }),
  ];
  log(`timing: warm-up ${WARMUP_MS} ms each, then ${PASSES} interleaved passes`);
  for (const b of benches) b.run(WARMUP_MS, false);
  for (let p = 0; p < PASSES; p++) {
    const line = benches.map((b) => `${b.name} ${fmt(b.run(PASS_MS))}`).join(', ');
    log(`  pass ${p + 1}: ${line} items/s`);
  }

  let naiveBench: Bench | undefined;
  let jreBench: AsyncBench | undefined;
  if (naive && jre) {
    const nb = new Bench('naive 1000', inputs.length, (i) => naive.match(items[i]!).length);
    nb.run(Math.min(WARMUP_MS, 400), false);
    for (let p = 0; p < Math.min(PASSES, 3); p++) log(`  naive 1000 pass ${p + 1}: ${fmt(nb.run(PASS_MS))} items/s`);
    const jreCount = Math.min(JRE_ITEMS, items.length);
    const jb = new AsyncBench('json-rules-engine 1000', jreCount, async (i) => (await jre.match(items[i]!)).length);
    await jb.run(Math.min(WARMUP_MS, 400), false);
    for (let p = 0; p < Math.min(PASSES, 3); p++) {
      const rate = await jb.run(PASS_MS, true, JRE_MIN_ITEMS);
      log(
        `  json-rules-engine 1000 pass ${p + 1} (>= ${JRE_MIN_ITEMS} of the first ${jreCount} items, round robin): ${rate.toFixed(1)} items/s`,
      );
    }
    naiveBench = nb;
    jreBench = jb;
  }

  // --- report ---------------------------------------------------------------------------------------------------
  const med = (b: { rates: number[] }) => median(b.rates);
  const best = (b: { rates: number[] }) => Math.max(...b.rates);
  const [, m10, m100, m1000] = benches as [Bench, Bench, Bench, Bench];
  const floorIps = best(floor);
  const ips = { 10: best(m10), 100: best(m100), 1000: best(m1000) };
  const jreIps = jreBench ? best(jreBench) : NaN;
  const naiveIps = naiveBench ? best(naiveBench) : NaN;
  const ratioToFloor = ips[1000] / floorIps;
  const cost1000vs10 = ips[10] / ips[1000];
  const xJre = ips[1000] / jreIps;
  const xNaive = ips[1000] / naiveIps;

  log('');
  log(`items/s, best of ${PASSES} passes (median):`);
  log(`  floor (normalize + tokenize)   ${fmt(floorIps).padStart(8)}  (${fmt(med(floor))})`);
  for (const n of SIZES)
    log(
      `  Matcher, ${String(n).padStart(4)} rules          ${fmt(ips[n]).padStart(8)}  (${fmt(med(benches[SIZES.indexOf(n) + 1]!))})`,
    );
  if (naiveBench && jreBench) {
    log(`  naive, 1000 rules              ${fmt(naiveIps).padStart(8)}  (${fmt(med(naiveBench))})`);
    log(`  json-rules-engine, 1000 rules  ${jreIps.toFixed(1).padStart(8)}  (${med(jreBench).toFixed(1)})`);
  }
  const target = (ok: boolean) => (ok ? 'ok  ' : 'MISS');
  log('targets:');
  log(`  ${target(ips[1000] >= 50_000)} 1000 rules >= 50,000 items/s on one core: ${fmt(ips[1000])}`);
  log(`  ${target(ratioToFloor >= 0.6)} 1000 rules >= 0.6 of the floor: ${ratioToFloor.toFixed(3)}`);
  log(`  ${target(cost1000vs10 <= 1.5)} 1000 rules <= 1.5x the time of 10 rules: ${cost1000vs10.toFixed(2)}x`);
  if (jreBench) log(`  ${target(xJre >= 500)} >= 500x json-rules-engine: ${fmt(xJre)}x`);
  if (naiveBench) log(`  (vs naive substring scans: ${xNaive.toFixed(1)}x)`);
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s (sink ${sink % 10})`);

  const round = (x: number) => (Number.isFinite(x) ? Math.round(x) : null);
  const round3 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
  const result = {
    bench: 'rules',
    items_per_s: { 10: round(ips[10]), 100: round(ips[100]), 1000: round(ips[1000]) },
    floor_items_per_s: round(floorIps),
    peers: { 'json-rules-engine': { 1000: round(jreIps) }, naive: { 1000: round(naiveIps) } },
    median_items_per_s: {
      10: round(med(m10)),
      100: round(med(m100)),
      1000: round(med(m1000)),
      floor: round(med(floor)),
    },
    runtime,
    items: items.length,
    avg_item_bytes: round(totalBytes / items.length),
    avg_item_words: round(words / items.length),
    seed: SEED,
    matches_per_item: Object.fromEntries(SIZES.map((n) => [n, round3(matchStats[n]!.matches_per_item)])),
    items_matched: Object.fromEntries(SIZES.map((n) => [n, round3(matchStats[n]!.items_matched)])),
    ratio_to_floor: round3(ratioToFloor),
    cost_1000_vs_10: round3(cost1000vs10),
    json_rules_engine_items_per_s: Number.isFinite(jreIps) ? Math.round(jreIps * 10) / 10 : null,
    x_json_rules_engine: round(xJre),
    x_naive: round3(xNaive),
    agreement: Object.fromEntries(Object.entries(agree).map(([k, v]) => [k, round3(v)])),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
