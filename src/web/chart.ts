// A probability trend as inline SVG: a polyline over time, 0 at the bottom and 1 at the top. No script.

const W = 300;
const H = 60;

/** Points are [time, probability 0..1], oldest first. Fewer than two points draw a flat line at the value. */
export function trendSvg(points: readonly [number, number][], label: string): string {
  const first = points[0];
  const last = points[points.length - 1];
  let path: string;
  if (!first || !last) {
    path = '';
  } else if (points.length === 1 || last[0] === first[0]) {
    const y = (H - first[1] * H).toFixed(1);
    path = `0,${y} ${W},${y}`;
  } else {
    const span = last[0] - first[0];
    path = points.map(([t, p]) => `${(((t - first[0]) / span) * W).toFixed(1)},${(H - Math.min(1, Math.max(0, p)) * H).toFixed(1)}`).join(' ');
  }
  // `label` is escaped by the caller.
  return `<svg viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label="${label}">` +
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#f6f8fa"/>` +
    `<line x1="0" y1="${H / 2}" x2="${W}" y2="${H / 2}" stroke="#ddd" stroke-dasharray="4 4"/>` +
    (path ? `<polyline points="${path}" fill="none" stroke="#0b5cad" stroke-width="2" vector-effect="non-scaling-stroke"/>` : '') +
    `</svg>`;
}
