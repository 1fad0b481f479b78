// Turns zod's issues into problems an admin can act on: at the right line, naming the key, with a
// "did you mean" for unknown keys. Values are never echoed: they may come from secrets in the environment.

import type * as z from 'zod';
import type { Problem } from './problem.js';
import { didYouMean, suggest } from './suggest.js';
import type { Path, YamlFile } from './yaml-file.js';

type Issue = z.core.$ZodIssue;

export function schemaProblems(file: YamlFile, schema: z.ZodType, data: unknown, issues: readonly Issue[]): Problem[] {
  // A misspelt required key is one mistake, not two: "unknown key indicatr (did you mean indicator?)"
  // already says what "missing required key indicator" would.
  const meant = new Set(
    issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => `${formatPath(i.path as Path)}/${suggest(k, knownKeys(schema, i.path as Path))}`)
        : [],
    ),
  );
  const misspelt = (i: Issue) =>
    i.path.length > 0 &&
    valueAt(data, i.path as Path) === undefined &&
    meant.has(`${formatPath(i.path.slice(0, -1) as Path)}/${String(i.path[i.path.length - 1])}`);
  return issues.filter((i) => !misspelt(i)).flatMap((issue) => describe(file, schema, data, issue, issue.path as Path));
}

function describe(file: YamlFile, schema: z.ZodType, data: unknown, issue: Issue, path: Path): Problem[] {
  const where = (p: Path) => (p.length ? `${formatPath(p)}: ` : '');
  if (
    path.length > 0 &&
    valueAt(data, path) === undefined &&
    (issue.code === 'invalid_type' || issue.code === 'invalid_union')
  ) {
    return [
      file.problemAtPath(path, `${where(path.slice(0, -1))}missing required key "${String(path[path.length - 1])}"`),
    ];
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(schema, path);
      return issue.keys.map((key) =>
        file.problemAtPath([...path, key], `${where(path)}unknown key "${key}"${didYouMean(key, known)}`, {
          key: true,
        }),
      );
    }
    case 'invalid_type':
      return [
        file.problemAtPath(
          path,
          `${where(path)}expected ${article(issue.expected)}, got ${kindOf(valueAt(data, path))}`,
        ),
      ];
    case 'invalid_value':
      return [
        file.problemAtPath(
          path,
          `${where(path)}expected ${issue.values.length === 1 ? String(issue.values[0]) : `one of ${issue.values.join(', ')}`}`,
        ),
      ];
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const inclusive = issue.inclusive ?? true;
      const op =
        issue.code === 'too_small' ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than';
      const what =
        issue.origin === 'array'
          ? `${op} ${String(bound)} item(s)`
          : issue.origin === 'string'
            ? `${op} ${String(bound)} character(s)`
            : `a number ${op} ${String(bound)}`;
      return [file.problemAtPath(path, `${where(path)}expected ${what}`)];
    }
    case 'invalid_union': {
      // Keep the branch that got past the type check: its issues say what is wrong inside.
      const branches = issue.errors.filter((b) => !b.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (branches.length === 1)
        return branches[0]!.flatMap((i) => describe(file, schema, data, i, [...path, ...(i.path as Path)]));
      return [file.problemAtPath(path, `${where(path)}${kindOf(valueAt(data, path))} is not allowed here`)];
    }
    default:
      return [file.problemAtPath(path, `${where(path)}${issue.message}`)];
  }
}

export function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return article(typeof value);
}

function article(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
  in?: z.ZodType;
}

const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The keys an object schema at this data path knows, for "did you mean". */
function knownKeys(schema: z.ZodType, path: Path): string[] {
  const objects = schemasAt(schema, path).filter((s) => defOf(s).type === 'object');
  return objects.flatMap((s) => Object.keys(defOf(s).shape ?? {}));
}

function schemasAt(schema: z.ZodType, path: Path): z.ZodType[] {
  let current = unwrap(schema);
  for (const step of path) {
    current = current.flatMap((s) => {
      const def = defOf(s);
      if (def.type === 'object' && typeof step === 'string' && def.shape?.[step]) return unwrap(def.shape[step]);
      if (def.type === 'array' && typeof step === 'number' && def.element) return unwrap(def.element);
      if (def.type === 'record' && def.valueType) return unwrap(def.valueType);
      return [];
    });
  }
  return current;
}

function unwrap(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType)
    return unwrap(def.innerType);
  if (def.type === 'lazy' && def.getter) return unwrap(def.getter());
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  if (def.type === 'union' && def.options) return def.options.flatMap(unwrap);
  return [schema];
}
