// Thirty broken watchbook edits, each applied on top of the good watchbook: syntax errors, unknown keys,
// bad values, bad and catastrophic regexes, bombs, dangling references, reserved names, a folder where a
// file was. Each must be refused by the running worker (its log says so) and change nothing.
import { parse, stringify } from 'yaml';
import { yamlAliasBomb } from '../../test/helpers/bombs.js';

/** Files to write, relative to the watchbook folder: text, bytes, or `{ dir: true }` for a folder. */
export type EditFiles = Record<string, string | Buffer | { dir: true }>;

export interface BrokenEdit {
  name: string;
  files(good: { watchbook: string; rules: string }): EditFiles;
}

type Doc = Record<string, unknown> & { sources: Record<string, unknown>[]; rules: Record<string, unknown>[] };

/** An edit of the parsed watchbook.yaml, written back as YAML. */
const book = (name: string, change: (doc: Doc) => void): BrokenEdit => ({
  name,
  files: (good) => {
    const doc = parse(good.watchbook) as Doc;
    change(doc);
    return { 'watchbook.yaml': stringify(doc) };
  },
});

/** An edit of the parsed rules file. */
const rules = (name: string, change: (doc: Doc) => void): BrokenEdit => ({
  name,
  files: (good) => {
    const doc = parse(good.rules) as Doc;
    change(doc);
    return { 'rules/rel.yaml': stringify(doc) };
  },
});

const raw = (name: string, path: string, text: (good: string) => string | Buffer): BrokenEdit => ({
  name,
  files: (good) => ({ [path]: text(path === 'watchbook.yaml' ? good.watchbook : good.rules) }),
});

const first = <T>(xs: T[]): T => xs[0]!;

export const BROKEN_EDITS: readonly BrokenEdit[] = [
  raw('yaml-unclosed-flow', 'watchbook.yaml', (g) => `${g}extra: [unclosed\n`),
  raw('yaml-tab-indent', 'watchbook.yaml', (g) => g.replace(/\n {2}(\S)/, '\n\t$1')),
  raw('yaml-duplicate-key', 'watchbook.yaml', (g) => `${g}version: 1\n`),
  raw('yaml-empty-file', 'watchbook.yaml', () => ''),
  raw('binary-garbage', 'watchbook.yaml', () =>
    Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a, 0x00, 0x80, 0x81]),
  ),
  raw('yaml-deep-nesting', 'rules/rel.yaml', () => `rules: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`),
  raw('yaml-alias-bomb', 'rules/rel.yaml', () => yamlAliasBomb()),
  book('unknown-top-level-key', (d) => void (d.sourcez = [])),
  book('unknown-source-key', (d) => void (first(d.sources).evry = '1s')),
  rules('unknown-rule-key', (d) => void (first(d.rules).matchh = ['x'])),
  rules('bad-regex', (d) => void (first(d.rules).match = ['re:(unclosed'])),
  rules('catastrophic-regex', (d) => void (first(d.rules).match = ['re:(a+)+$'])),
  rules('unknown-match-operator', (d) => void (first(d.rules).match = { nearr: { terms: ['x'], within: 'sentence' } })),
  rules('dangling-indicator', (d) => void (first(d.rules).indicator = 'no-such-indicator')),
  rules('dangling-scenario-in-evidence', (d) => void (first(d.rules).evidence = { 'no-such-scenario': 'weak' })),
  rules('dangling-source-in-when', (d) => void (first(d.rules).when = { source: ['no-such-source'] })),
  rules('duplicate-rule-id', (d) => void d.rules.push({ ...first(d.rules) })),
  rules('reserved-rule-id-constructor', (d) => void (first(d.rules).id = 'constructor')),
  rules('unknown-severity', (d) => void (first(d.rules).severity = 'apocalyptic')),
  rules('rules-not-a-list', (d) => void (d.rules = 5 as unknown as Doc['rules'])),
  book('dangling-route-receiver', (d) => void ((d.routes as Record<string, unknown>).receiver = 'no-such-receiver')),
  book('duplicate-source-id', (d) => void d.sources.push({ ...first(d.sources) })),
  book(
    'proto-key-in-receivers',
    (d) =>
      void (d.receivers = JSON.parse(
        `{"__proto__": {"slack": {"webhook": "http://127.0.0.1:9/x"}}, ${JSON.stringify(d.receivers).slice(1)}`,
      ) as unknown),
  ),
  book('bad-duration', (d) => void (first(d.sources).every = '5 parsecs')),
  book('credibility-above-one', (d) => void (first(d.sources).credibility = 1.5)),
  book('not-a-url', (d) => void (first(d.sources).url = 'not a url')),
  book('unknown-source-type', (d) => void (first(d.sources).type = 'carrier-pigeon')),
  book('unknown-version', (d) => void (d.version = 2)),
  book('receiver-without-channels', (d) => void ((d.receivers as Record<string, unknown>).desk = {})),
  { name: 'folder-named-like-rules-file', files: () => ({ 'rules/x.yaml': { dir: true } }) },
];
