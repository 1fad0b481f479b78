// Prometheus text exposition read back for tests: samples by `name{labels}`, and the TYPE and HELP lines by
// name. A line that is neither a sample nor a comment throws.

export interface PromText {
  samples: Map<string, number>;
  types: Map<string, string>;
  helps: Map<string, string>;
}

export function parseProm(text: string): PromText {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  const helps = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (comment?.[2] && comment[3] !== undefined) {
      (comment[1] === 'HELP' ? helps : types).set(comment[2], comment[3]);
      continue;
    }
    // Values as Prometheus parses them (Go's ParseFloat): NaN in any case ("Nan" from prom-client's event-loop
    // lag before its first sample), +Inf and -Inf.
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (-?[0-9.e+-]+|nan|[+-]inf)$/i.exec(line);
    if (!m?.[1] || m[2] === undefined) throw new Error(`not Prometheus text: ${line}`);
    samples.set(
      m[1],
      /^nan$/i.test(m[2])
        ? Number.NaN
        : /inf$/i.test(m[2])
          ? m[2].startsWith('-')
            ? -Infinity
            : Infinity
          : Number(m[2]),
    );
  }
  return { samples, types, helps };
}
