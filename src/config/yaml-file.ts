// One watchbook file as YAML with positions: problems at `file:line:col`, `${NAME}`s from the environment.
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Problem } from './problem.js';

export type Path = readonly (string | number)[];

/** A string that took values from the environment: how to show it, and the values it took, by name. */
export interface Interpolated {
  shown: string;
  secrets: Record<string, string>;
}

// yaml's own default: enough for every use of anchors a watchbook has (a shared `when:` or `select:`),
// far too few for an alias bomb. Named here so the limit does not change with a yaml upgrade.
const MAX_ALIAS_COUNT = 100;

/** A YAML file parsed with positions, so every problem can say `file:line:col`. */
export class YamlFile {
  private readonly lines = new LineCounter();
  readonly doc: Document;

  constructor(
    readonly name: string,
    private readonly text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  static read(path: string, name: string): YamlFile {
    return new YamlFile(name, readFileSync(path, 'utf8'));
  }

  /**
   * The document as plain data, or the problem that stops it: aliases that expand past yaml's limit (an
   * alias bomb, "billion laughs": a few lines that expand to billions of nodes), at the first alias.
   */
  toData(): { data: unknown } | { problem: Problem } {
    // A word starting with `*` unquoted (`*poll`, meant as a wildcard) is an alias of an anchor that
    // does not exist: said where it stands, with the fix, rather than as yaml's bare "Unresolved alias".
    let unresolved: Problem | undefined;
    visit(this.doc, {
      Alias: (_key, node) => {
        if (node.resolve(this.doc) !== undefined) return undefined;
        unresolved = this.problemAt(
          node.range?.[0] ?? 0,
          `*${node.source} is a YAML alias of no anchor &${node.source} defined before it; quote it ("*${node.source}") for a word that starts with *`,
        );
        return visit.BREAK;
      },
    });
    if (unresolved) return { problem: unresolved };
    try {
      return { data: this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {} };
    } catch (err) {
      let offset = 0;
      visit(this.doc, {
        Alias: (_key, node) => {
          offset = node.range?.[0] ?? 0;
          return visit.BREAK;
        },
      });
      const message = (err as Error).message;
      return {
        problem: this.problemAt(
          offset,
          /excessive alias/i.test(message)
            ? `YAML aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT}): refused as an alias bomb`
            : `YAML: ${message}`,
        ),
      };
    }
  }

  /** YAML syntax errors (tabs, bad indentation, duplicate keys, ...), as problems. */
  syntaxProblems(): Problem[] {
    return this.doc.errors.map((e) =>
      this.problemAt(e.pos[0], yamlMessage(e.code, e.message, this.text.slice(e.pos[0]))),
    );
  }

  problemAt(offset: number, message: string): Problem {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.name, line, col, message };
  }

  /**
   * The problem at a path of the document: at the value (or, with `key`, at the key of the last step).
   * When the path goes further than the document (a missing key), at the deepest node that exists.
   */
  problemAtPath(path: Path, message: string, opts: { key?: boolean } = {}): Problem {
    let node: unknown = this.doc.contents;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    for (let i = 0; i < path.length; i++) {
      const step = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === step);
        if (!pair) break;
        const keyNode = pair.key as Node;
        const target = last && opts.key ? keyNode : ((pair.value as Node | null) ?? keyNode);
        offset = target.range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
        node = node.items[step];
        offset = (node as Node).range?.[0] ?? offset;
      } else {
        break;
      }
    }
    return this.problemAt(offset, message);
  }

  /** Values taken from the environment, by variable name: messages must never show them. */
  readonly secrets = new Map<string, string>();

  private remember(name: string, value: string): string {
    this.secrets.set(name, value);
    return value;
  }

  /** Per interpolated string: the string as shown (each environment value as its `${NAME}`) and the values used. */
  private readonly written = new WeakMap<object, Interpolated>();

  /**
   * Replace `${NAME}` and `${NAME:-fallback}` in every string with the environment's value, as a shell
   * would (`:-` also covers an empty value). A missing variable is a problem that names the variable.
   */
  interpolate(env: NodeJS.ProcessEnv): Problem[] {
    const problems: Problem[] = [];
    visit(this.doc, {
      Scalar: (_key, node) => {
        if (typeof node.value !== 'string' || !node.value.includes('${')) return;
        const original = node.value;
        const written: Interpolated = { shown: '', secrets: {} };
        node.value = original.replace(
          /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
          (_m, name: string, fallback?: string) => {
            const value = env[name];
            if (fallback !== undefined && (value === undefined || value === '')) return fallback;
            if (value !== undefined) {
              written.secrets[name] = value;
              return this.remember(name, value);
            }
            problems.push(this.problemAt(node.range?.[0] ?? 0, `environment variable ${name} is not set`));
            return '';
          },
        );
        // The same replacement again, each value from the environment left as its placeholder (`${NAME}`,
        // without a fallback): what messages, pages and alerts show instead of the value.
        written.shown = original.replace(
          /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
          (_m, name: string, fallback?: string) =>
            written.secrets[name] === undefined ? (fallback ?? '') : `\${${name}}`,
        );
        this.written.set(node, written);
      },
    });
    return problems;
  }

  /** How the string at `path` was written, when it took values from the environment (see interpolate). */
  interpolatedAt(path: Path): Interpolated | undefined {
    const node = this.doc.getIn(path, true);
    return node && typeof node === 'object' ? this.written.get(node) : undefined;
  }
}

// yaml's messages are good; a few get the words an admin would search for.
function yamlMessage(code: string, message: string, at: string): string {
  const text = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'TAB_AS_INDENT') return 'tab used for indentation: YAML indents with spaces';
  if (code === 'DUPLICATE_KEY')
    return `duplicate key "${/^[^:\n]*/.exec(at)![0].trim()}": each key may appear once in a mapping`;
  return `YAML syntax: ${text}`;
}
