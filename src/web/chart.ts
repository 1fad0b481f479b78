// A probability trend as inline SVG: the probability over time (0 at the bottom, 1 at the top) on a time
// axis labelled on the watch's clock, with the scenario's enter and exit thresholds drawn. No script.
import { esc } from './html.js';
import { zonedClock, zonedDay } from './time.js';

const W = 600;
const H = 170;
const LEFT = 36;
const RIGHT = 8;
const TOP = 8;
const BOTTOM = 22;
const HOUR = 3_600_000;
/** Tick steps, smallest first: the first that puts at most six ticks on the axis is taken. */
const STEPS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR, 7 * 24 * HOUR, 14 * 24 * HOUR];

export interface TrendOptions {
  /** The axis: from the first point (or `from`, when earlier) to `to` (now). */
  to: number;
  from?: number;
  timeZone: string;
  /** The scenario's alert thresholds (hysteresis), drawn as dashed lines. */
  thresholds?: { enter: number; exit: number };
}

const x = (t: number, from: number, span: number) => LEFT + ((t - from) / span) * (W - LEFT - RIGHT);
const y = (p: number) => TOP + (1 - Math.min(1, Math.max(0, p))) * (H - TOP - BOTTOM);
const n = (v: number) => v.toFixed(1);

/** Points are [time, probability 0..1], oldest first. `label` is escaped by the caller. */
export function trendSvg(points: readonly [number, number][], label: string, opts: TrendOptions): string {
  const first = points[0];
  const to = Math.max(opts.to, points[points.length - 1]?.[0] ?? opts.to);
  let from = Math.min(opts.from ?? Infinity, first?.[0] ?? to - HOUR);
  if (to - from < HOUR) from = to - HOUR;
  const span = to - from;
  const parts: string[] = [
    `<rect x="${LEFT}" y="${TOP}" width="${W - LEFT - RIGHT}" height="${H - TOP - BOTTOM}" fill="#f6f8fa"/>`,
  ];
  for (const p of [0, 0.5, 1]) {
    parts.push(`<line x1="${LEFT}" y1="${n(y(p))}" x2="${W - RIGHT}" y2="${n(y(p))}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${LEFT - 4}" y="${n(y(p) + 4)}" text-anchor="end" font-size="11" fill="#555">${p * 100}%</text>`,
    );
  }
  const step = STEPS.find((s) => span / s <= 6) ?? STEPS[STEPS.length - 1]!;
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    const tx = n(x(t, from, span));
    const text = step >= 24 * HOUR ? zonedDay(t, opts.timeZone) : zonedClock(t, opts.timeZone);
    parts.push(`<line class="tick" x1="${tx}" y1="${H - BOTTOM}" x2="${tx}" y2="${H - BOTTOM + 4}" stroke="#888"/>`);
    parts.push(
      `<text class="tick" x="${tx}" y="${H - 6}" text-anchor="middle" font-size="11" fill="#555">${esc(text)}</text>`,
    );
  }
  if (opts.thresholds) {
    for (const [name, p, colour] of [
      ['enter', opts.thresholds.enter, '#a40000'],
      ['exit', opts.thresholds.exit, '#b86e00'],
    ] as const) {
      parts.push(
        `<line class="threshold" data-threshold="${name}" x1="${LEFT}" y1="${n(y(p))}" x2="${W - RIGHT}" y2="${n(y(p))}" stroke="${colour}" stroke-dasharray="6 4"/>`,
      );
      parts.push(
        `<text x="${W - RIGHT - 2}" y="${n(y(p) - 3)}" text-anchor="end" font-size="11" fill="${colour}">${name} ${Math.round(p * 100)}%</text>`,
      );
    }
  }
  if (first) {
    const path = points.map(([t, p]) => `${n(x(t, from, span))},${n(y(p))}`).join(' ');
    const single = points.length === 1 ? ` ${n(W - RIGHT)},${n(y(first[1]))}` : '';
    parts.push(`<polyline points="${path}${single}" fill="none" stroke="#0b5cad" stroke-width="2"/>`);
    const [lt, lp] = points[points.length - 1]!;
    parts.push(`<circle cx="${n(x(lt, from, span))}" cy="${n(y(lp))}" r="3" fill="#0b5cad"/>`);
  }
  return `<svg class="trend" viewBox="0 0 ${W} ${H}" role="img" aria-label="${label}">${parts.join('')}</svg>`;
}
