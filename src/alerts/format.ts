// Small formatting shared by the alert makers and `describeRoutes`. (config/ has a formatDuration, but
// alerts/ may import only model/ and scoring/.)

/** `30s`, `5m`, `4h`, `2d` when exact, else the largest whole unit that fits with a remainder: `90s`, `1500ms`. */
export function formatMs(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return ms >= 1_000 ? `${Math.round(ms / 1_000)}s` : `${ms}ms`;
}

export function iso(t: number): string {
  return new Date(t).toISOString();
}
