// A scenario's probability over time as an emailed picture (PNG) and as a line of text.
//
// Why a PNG attached by Content-ID: mail clients show an image that travels inside the message (a
// multipart/related part, RFC 2392 "cid:") without asking to load remote content, and Gmail, Outlook
// (desktop, whose Word engine draws HTML) and Apple Mail all do. SVG is stripped by Gmail and Outlook,
// data: URIs are blocked by Gmail, and CSS bars need div heights and flex that Outlook's Word engine
// ignores. The plain-text part gets the same series as block characters.
//
//   100% ┌──────────────────────────────┐  step line: a probability holds until the next state
//        │- - - - - - - - - - - ___/‾‾‾‾│  enter threshold (dashed, amber), exit (dashed, grey)
//     0% └──────────────────────────────┘  from ........................ to

import { encodePng } from './png.js';

export interface TrendPoint {
  at: number;
  probability: number;
}

export interface TrendChart {
  /** The states, oldest first (any order is sorted). */
  points: readonly TrendPoint[];
  from: number;
  to: number;
  enter?: number;
  exit?: number;
}

/** The size the email shows; the PNG has twice as many pixels each way, for sharp high-density screens. */
export const TREND_WIDTH = 240;
export const TREND_HEIGHT = 48;
const SCALE = 2;

const WHITE = 0;
const GRID = 1;
const ENTER = 2;
const EXIT = 3;
const FILL = 4;
const LINE = 5;
const PALETTE = [
  [255, 255, 255],
  [229, 231, 235],
  [217, 119, 6],
  [156, 163, 175],
  [219, 234, 254],
  [29, 78, 216],
] as const;

const clamp01 = (p: number): number => (Number.isFinite(p) ? Math.max(0, Math.min(1, p)) : 0);

/** The probability at each of `n` instants evenly from `from` to `to`: the last state at or before it. */
export function sampleTrend(chart: TrendChart, n: number): (number | undefined)[] {
  const points = chart.points.filter((p) => Number.isFinite(p.at)).sort((a, b) => a.at - b.at);
  const span = Math.max(1, chart.to - chart.from);
  const out: (number | undefined)[] = [];
  let next = 0;
  let current: number | undefined;
  for (let x = 0; x < n; x++) {
    const t = chart.from + (n === 1 ? span : (x * span) / (n - 1));
    while (next < points.length && points[next]!.at <= t) current = clamp01(points[next++]!.probability);
    out.push(current);
  }
  return out;
}

/** The chart as a PNG of TREND_WIDTH x TREND_HEIGHT points (twice that in pixels). */
export function trendPng(chart: TrendChart): Buffer {
  const width = TREND_WIDTH * SCALE;
  const height = TREND_HEIGHT * SCALE;
  const pixels = new Uint8Array(width * height).fill(WHITE);
  const set = (x: number, y: number, colour: number) => {
    if (x >= 0 && x < width && y >= 0 && y < height) pixels[y * width + x] = colour;
  };
  // Inside a margin of the line's thickness, so a line at 0% or 100% is drawn whole.
  const top = SCALE;
  const bottom = height - 1 - SCALE;
  const yOf = (p: number): number => Math.round(bottom - clamp01(p) * (bottom - top));
  for (const p of [0, 0.5, 1]) for (let x = 0; x < width; x++) set(x, yOf(p), GRID);
  const values = sampleTrend(chart, width);
  values.forEach((v, x) => {
    if (v !== undefined) for (let y = yOf(v); y <= bottom; y++) set(x, y, FILL);
  });
  for (const [threshold, colour] of [
    [chart.exit, EXIT],
    [chart.enter, ENTER],
  ] as const) {
    if (threshold === undefined) continue;
    // Dashes of 6 pixels with gaps of 4.
    for (let x = 0; x < width; x++) if (x % 10 < 6) for (let d = 0; d < SCALE; d++) set(x, yOf(threshold) + d, colour);
  }
  let previous: number | undefined;
  values.forEach((v, x) => {
    if (v === undefined) return;
    const y = yOf(v);
    // A change is drawn as a vertical join from the last level, so the step reads as one line.
    const from = previous === undefined ? y : Math.min(previous, y);
    const to = previous === undefined ? y : Math.max(previous, y);
    for (let yy = from - SCALE + 1; yy <= to; yy++) set(x, yy, LINE);
    previous = y;
  });
  return encodePng({ width, height, palette: PALETTE, pixels });
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** The chart as `n` block characters, 0% to 100% on an absolute scale ("·" before the first state). */
export function trendText(chart: TrendChart, n = 24): string {
  return sampleTrend(chart, n)
    .map((v) => (v === undefined ? '·' : BLOCKS[Math.min(BLOCKS.length - 1, Math.floor(v * BLOCKS.length))]))
    .join('');
}
