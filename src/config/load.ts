// The watchbook loader: one file or a folder read and checked in full, every problem collected with its place.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Watchbook } from '../model/watchbook.js';
import { mergeFiles } from './merge.js';
import { ConfigError, type Problem } from './problem.js';
import { checkReferences } from './references.js';
import { reservedKeyProblems } from './reserved.js';
import { WatchbookFileSchema, type WatchbookFile } from './schema.js';
import { schemaProblems } from './schema-issues.js';
import { toWatchbook } from './to-model.js';
import { YamlFile } from './yaml-file.js';

export const DEFAULT_CONFIG = 'config';
const MAIN_FILES = ['watchbook.yaml', 'watchbook.yml'];
const PART_FOLDERS = ['rules', 'tests'];
/**
 * The most one watchbook file may hold. The shipped watchbook's biggest file is under 20 KB; parsed with
 * positions, YAML takes about 40 bytes of memory per byte of text (a 50 MB file took 1.9 GB), so a bigger
 * file is refused before it is parsed.
 */
export const MAX_FILE_BYTES = 1024 * 1024;

export interface LoadResult {
  /** Present only when there are no problems. */
  watchbook?: Watchbook;
  problems: Problem[];
  /** Things that do not stop the watchbook from running but that an admin should know. */
  warnings: Problem[];
}

/**
 * Load a watchbook from one file or a folder (watchbook.yaml plus rules/*.yaml and tests/*.yaml), check it
 * all, and collect every problem with its `file:line:col`. The same loader serves validate, test, score and
 * the worker, so what validates is what runs.
 */
export function loadWatchbook(path: string = DEFAULT_CONFIG, env: NodeJS.ProcessEnv = process.env): LoadResult {
  // Never throws: the hot reload runs this on a timer, where an exception would end the process. What the
  // checks below do not foresee is still a problem with a reason, and the running watchbook stays.
  try {
    return load(path, env);
  } catch (err) {
    return {
      problems: [{ file: path, line: 1, col: 1, message: `cannot load the watchbook: ${(err as Error).message}` }],
      warnings: [],
    };
  }
}

function load(path: string, env: NodeJS.ProcessEnv): LoadResult {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const paths = watchbookFiles(path);
  if (typeof paths === 'string') return { problems: [{ file: path, line: 1, col: 1, message: paths }], warnings };

  const files: YamlFile[] = [];
  for (const [full, name] of paths) {
    const file = readFile(full, name);
    if (typeof file === 'string') problems.push({ file: name, line: 1, col: 1, message: file });
    else files.push(file);
  }
  const parsed: { file: YamlFile; data: WatchbookFile }[] = [];
  for (const file of files) {
    const syntax = file.syntaxProblems();
    if (syntax.length) {
      problems.push(...syntax);
      continue;
    }
    const missingEnv = file.interpolate(env);
    problems.push(...missingEnv);
    // Before the schema, which would drop a `__proto__` key without a word.
    const reserved = reservedKeyProblems(file);
    if (reserved.length) {
      problems.push(...reserved);
      continue;
    }
    const js = file.toData();
    if ('problem' in js) {
      problems.push(js.problem);
      continue;
    }
    const data = js.data;
    const result = WatchbookFileSchema.safeParse(data);
    if (result.success) parsed.push({ file, data: result.data });
    else problems.push(...schemaProblems(file, WatchbookFileSchema, data, result.error.issues));
  }
  // References are checked only on a watchbook whose every file has the right shape: otherwise a missing
  // rule file would show up again as a dozen "unknown rule" errors.
  if (problems.length === 0) {
    const draft = mergeFiles(files[0]!, parsed, problems);
    checkReferences(draft, problems, warnings);
    if (problems.length === 0) return { watchbook: toWatchbook(draft), problems, warnings: redact(warnings, files) };
  }
  return { problems: sortProblems(redact(problems, files)), warnings: redact(warnings, files) };
}

/**
 * Messages quote what was written (an unknown time zone, a term); where that came from the environment it
 * may be a secret, so every value taken from the environment is shown as the `${NAME}` it came from.
 */
function redact(problems: Problem[], files: YamlFile[]): Problem[] {
  const secrets = files.flatMap((f) => [...f.secrets]).filter(([, value]) => value.length >= 3);
  if (secrets.length === 0) return problems;
  return problems.map((p) => ({
    ...p,
    message: secrets.reduce((m, [name, value]) => m.split(value).join(`\${${name}}`), p.message),
  }));
}

export function loadWatchbookOrThrow(path?: string, env?: NodeJS.ProcessEnv): Watchbook {
  const result = loadWatchbook(path, env);
  if (!result.watchbook) throw new ConfigError(result.problems);
  return result.watchbook;
}

/** The file parsed, or why it cannot be read (a folder named like a rules file, no permission, ...). */
function readFile(full: string, name: string): YamlFile | string {
  try {
    const st = statSync(full);
    if (!st.isFile())
      return `${st.isDirectory() ? 'a folder' : 'not a regular file'}, where a YAML file was expected: rename or remove it`;
    if (st.size > MAX_FILE_BYTES) return tooBig(st.size);
    const bytes = readFileSync(full);
    if (bytes.length > MAX_FILE_BYTES) return tooBig(bytes.length); // it grew since the stat
    return new YamlFile(name, bytes.toString('utf8'));
  } catch (err) {
    return `cannot read the file: ${(err as Error).message}`;
  }
}

function tooBig(size: number): string {
  return `the file is ${(size / MAX_FILE_BYTES).toFixed(1)} MiB (${size} bytes); a watchbook file may be at most 1 MiB: split it into files under rules/ and tests/`;
}

/** [full path, name shown in messages] of each file, main file first; or why there are none. */
function watchbookFiles(path: string): [string, string][] | string {
  if (!existsSync(path)) return `no watchbook here: ${path} does not exist`;
  if (!statSync(path).isDirectory()) return [[path, path]];
  const main = MAIN_FILES.find((f) => existsSync(join(path, f)));
  if (!main) return `no watchbook here: ${path} has no ${MAIN_FILES[0]}`;
  const files: [string, string][] = [[join(path, main), join(path, main)]];
  for (const folder of PART_FOLDERS) {
    const dir = join(path, folder);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort())
      files.push([join(dir, f), join(dir, f)]);
  }
  return files;
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
