// `signpost worker` as child processes: spawned with the built binary, their JSON logs (pino, one object a
// line on stdout) collected and searchable, stopped with a signal and their exit awaited with a deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const MAIN_JS = fileURLToPath(new URL('../../../dist/jobs/main.js', import.meta.url));

export interface LogLine {
  level?: number;
  msg?: string;
  time?: number;
  [field: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Parsed JSON log lines from stdout, in order. */
  logs: LogLine[];
  /** Lines of stdout that were not JSON, and every line of stderr. */
  text: string[];
  /** Resolves when the process has exited. */
  exit: Promise<Exit>;
  exited(): Exit | undefined;
}

export interface SpawnOptions {
  config: string;
  prefix: string;
  redisUrl: string;
  logLevel?: string;
  env?: NodeJS.ProcessEnv;
  /** `worker` (the default), `start` (the web role on PORT beside the worker) or `web` alone. */
  command?: 'worker' | 'start' | 'web';
  /** Node's own flags, before the script (`node FLAGS dist/jobs/main.js ...`). */
  nodeFlags?: readonly string[];
}

/** `node dist/jobs/main.js worker --config DIR` (or `start`) with REDIS_URL, SIGNPOST_PREFIX and LOG_LEVEL set. */
export function spawnWorker(name: string, opts: SpawnOptions): WorkerProcess {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first`);
  const child = spawn(
    process.execPath,
    [...(opts.nodeFlags ?? []), MAIN_JS, opts.command ?? 'worker', '--config', opts.config],
    {
      env: {
        ...process.env,
        ...opts.env,
        REDIS_URL: opts.redisUrl,
        SIGNPOST_PREFIX: opts.prefix,
        LOG_LEVEL: opts.logLevel ?? 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (child.pid === undefined) throw new Error(`could not spawn worker ${name}`);
  const logs: LogLine[] = [];
  const text: string[] = [];
  let exitInfo: Exit | undefined;
  const exit = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === 'object') logs.push(parsed as LogLine);
      else text.push(line);
    } catch {
      text.push(line);
    }
  });
  createInterface({ input: child.stderr }).on('line', (line) => text.push(line));
  return { name, child, pid: child.pid, logs, text, exit, exited: () => exitInfo };
}

/** Log lines with this message (and, if given, these field values). */
export function logsWith(w: WorkerProcess, msg: string, fields: Record<string, unknown> = {}): LogLine[] {
  return w.logs.filter((l) => l.msg === msg && Object.entries(fields).every(([k, v]) => l[k] === v));
}

/** Sends `signal` and waits for the exit, at most `timeoutMs`; the time it took comes back too. */
export async function signalAndWait(
  w: WorkerProcess,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<Exit & { ms: number }> {
  const started = Date.now();
  if (!w.exited()) w.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`worker ${w.name} (pid ${w.pid}) did not exit within ${timeoutMs} ms of ${signal}`)),
      timeoutMs,
    );
  });
  try {
    const exit = await Promise.race([w.exit, deadline]);
    return { ...exit, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/** Last resort in cleanup: SIGKILL whatever is still running and wait for it. */
export async function killAll(workers: readonly WorkerProcess[]): Promise<void> {
  for (const w of workers) if (!w.exited()) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exit));
}

/**
 * Which of `pids` holds the TCP connection from 127.0.0.1:`clientPort` to the server on `serverPort`:
 * the socket's inode from /proc/net/tcp, then the process with a descriptor on it. Linux only; undefined
 * when not found.
 */
export function pidOfConnection(clientPort: number, serverPort: number, pids: readonly number[]): number | undefined {
  const hexPort = (p: number) => p.toString(16).toUpperCase().padStart(4, '0');
  let inode: string | undefined;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const remote = cols[2];
      if (!local || !remote) continue;
      if (local.endsWith(`:${hexPort(clientPort)}`) && remote.endsWith(`:${hexPort(serverPort)}`)) inode = cols[9];
    }
    if (inode) break;
  }
  if (!inode || inode === '0') return undefined;
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return pid;
      } catch {
        // the descriptor closed while we looked
      }
    }
  }
  return undefined;
}
