// The files of a watchbook folder are one watchbook: maps (scenarios, indicators, receivers, time_intervals) are merged by
// id, lists (sources, rules, tests, silences, inhibit_rules) concatenated, and each piece remembers where it was written.

import type { Problem } from './problem.js';
import type { RouteIn, WatchbookFile } from './schema.js';
import type { Path, YamlFile } from './yaml-file.js';

export interface At {
  file: YamlFile;
  path: Path;
}

export interface Located<T> {
  value: T;
  at: At;
}

type Section<K extends keyof WatchbookFile> = NonNullable<WatchbookFile[K]>;
type Entry<K extends keyof WatchbookFile> =
  Section<K> extends readonly (infer E)[] ? E : Section<K>[string & keyof Section<K>];

export interface Draft {
  main: YamlFile;
  version?: Located<number>;
  watch?: Located<Section<'watch'>>;
  routes?: Located<RouteIn>;
  cues?: Located<Section<'cues'>>;
  scenarios: Map<string, Located<Entry<'scenarios'>>>;
  indicators: Map<string, Located<Entry<'indicators'>>>;
  receivers: Map<string, Located<Entry<'receivers'>>>;
  time_intervals: Map<string, Located<Entry<'time_intervals'>>>;
  sources: Located<Entry<'sources'>>[];
  rules: Located<Entry<'rules'>>[];
  tests: Located<Entry<'tests'>>[];
  silences: Located<Entry<'silences'>>[];
  inhibit_rules: Located<Entry<'inhibit_rules'>>[];
}

export function problemAt(at: At, sub: Path, message: string, opts: { key?: boolean } = {}): Problem {
  return at.file.problemAtPath([...at.path, ...sub], message, opts);
}

export function where(at: At): string {
  const p = at.file.problemAtPath(at.path, '');
  return `${p.file}:${p.line}:${p.col}`;
}

export function mergeFiles(
  main: YamlFile,
  files: { file: YamlFile; data: WatchbookFile }[],
  problems: Problem[],
): Draft {
  const draft: Draft = {
    main,
    scenarios: new Map(),
    indicators: new Map(),
    receivers: new Map(),
    time_intervals: new Map(),
    sources: [],
    rules: [],
    tests: [],
    silences: [],
    inhibit_rules: [],
  };
  for (const { file, data } of files) {
    const at = (path: Path): At => ({ file, path });
    for (const key of ['version', 'watch', 'routes', 'cues'] as const) {
      const value = data[key];
      if (value === undefined) continue;
      const existing = draft[key];
      if (existing)
        problems.push(file.problemAtPath([key], `"${key}" is already given at ${where(existing.at)}`, { key: true }));
      else (draft as unknown as Record<string, Located<unknown>>)[key] = { value, at: at([key]) };
    }
    for (const key of ['scenarios', 'indicators', 'receivers', 'time_intervals'] as const) {
      for (const [id, value] of Object.entries(data[key] ?? {})) {
        const map = draft[key] as Map<string, Located<unknown>>;
        const existing = map.get(id);
        if (existing)
          problems.push(
            file.problemAtPath([key, id], `duplicate ${key.slice(0, -1)} id "${id}" (first at ${where(existing.at)})`, {
              key: true,
            }),
          );
        else map.set(id, { value, at: at([key, id]) });
      }
    }
    for (const key of ['sources', 'rules', 'tests', 'silences', 'inhibit_rules'] as const) {
      (data[key] ?? []).forEach((value: unknown, i: number) =>
        (draft[key] as Located<unknown>[]).push({ value, at: at([key, i]) }),
      );
    }
  }
  return draft;
}
