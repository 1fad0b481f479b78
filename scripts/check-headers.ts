// The header check of `npm run lint`: every tracked .ts file of the code folders opens with a `//` line
// saying what it owns (after a `#!` line, for an executable). Names each file without one and exits 1.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folders whose files must say what they own; tests name their behaviour in their test names instead. */
const FOLDERS = ['src', 'jobs', 'bench', 'scripts', 'reliability'];

const root = fileURLToPath(new URL('..', import.meta.url));

/** Whether the text opens with a `//` comment line, or a shebang line and then one. */
function hasHeader(text: string): boolean {
  const [first = '', second = ''] = text.split('\n', 2);
  return first.startsWith('//') || (first.startsWith('#!') && second.startsWith('//'));
}

function trackedFiles(): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--', ...FOLDERS.map((f) => `${f}/*.ts`)], {
      cwd: root,
      encoding: 'utf8',
    });
    return out.split('\0').filter(Boolean);
  } catch (err) {
    throw new Error(`check-headers: cannot list the tracked files with git ls-files in ${root}`, { cause: err });
  }
}

function readOrMissing(path: string): string | undefined {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch (err) {
    // Deleted in the working tree but not yet in the index: not a file of the tree being checked.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

const missing = trackedFiles().filter((path) => {
  const text = readOrMissing(path);
  return text !== undefined && !hasHeader(text);
});
if (missing.length > 0) {
  const count =
    missing.length === 1
      ? '1 file does not open with a `//` line saying what it owns'
      : `${missing.length} files do not open with a \`//\` line saying what they own`;
  console.error(`check-headers: ${count}:\n${missing.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
