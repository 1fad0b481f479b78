// Emit the benchmark and the source it imports as plain JavaScript, the way `tsc` builds dist/, so the
// benchmark times the code that ships and not tsx's transform of it.
//
// Why: tsx compiles with esbuild's keepNames, which wraps every named function expression in
// `__name(fn, "name")`, an Object.defineProperty call each time the expression is evaluated. A closure
// created per call in a hot path (the rule engine's `const fail = () => ...` in evaluate) then costs a
// property definition per node evaluated: the Matcher ran 2–7x slower under tsx than on tsc's output.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/**
 * Transpile `entry` and every module it reaches by relative imports into a fresh directory under the
 * system temp dir, laid out as under `root`, with `root/node_modules` linked in. Returns the emitted entry.
 */
export function emitForNode(root: string, entry: string): string {
  const out = join(tmpdir(), `signpost-bench-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');

  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.ESNext,
    verbatimModuleSyntax: true,
    sourceMap: false,
  };
  const seen = new Set<string>();
  const queue = [resolve(entry)];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: file });
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
    for (const m of source.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  }
  return join(out, relative(root, entry)).replace(/\.ts$/, '.js');
}

/**
 * Under tsx: emit the benchmark at `selfUrl` as plain JavaScript, run it in a child node with the same node
 * flags (such as --cpu-prof) minus the ones that load tsx, and exit with its status.
 */
export function runEmitted(selfUrl: string, label: string, env: NodeJS.ProcessEnv = process.env): never {
  const self = fileURLToPath(selfUrl);
  const entry = emitForNode(dirname(dirname(self)), self);
  const execArgv: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^--(import|require|loader|experimental-loader)$/.test(a) && /tsx/.test(args[i + 1] ?? '')) i++;
    else if (!/^--(import|require|loader|experimental-loader)=.*tsx/.test(a)) execArgv.push(a);
  }
  process.stderr.write(
    `${label} timing tsc-style JavaScript, not tsx's transform: node ${[...execArgv, entry].join(' ')}\n`,
  );
  const child = spawnSync(process.execPath, [...execArgv, entry], { stdio: 'inherit', env });
  rmSync(dirname(dirname(entry)), { recursive: true, force: true });
  process.exit(child.status ?? 1);
}
