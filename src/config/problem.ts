// Problems with a watchbook, written `file:line:col: message`, and the error that carries them all.

/** One thing wrong with a watchbook, at the place an editor can jump to. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** Thrown by loadWatchbookOrThrow: every problem of the watchbook, none dropped. */
export class ConfigError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `config: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the watchbook\n${problems.map(formatProblem).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}
