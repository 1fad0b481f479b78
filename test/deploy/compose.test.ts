// compose.yaml, the Dockerfile and .dockerignore as an admin would review them: pinned images, restarts,
// Redis healthy before Signpost starts, a stop grace longer than the worker's, and a small build context
// that still holds everything the Dockerfile copies. No Docker engine here: the files are read, not run.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(`${ROOT}${file}`, 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  restart?: string;
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition?: string }> | string[];
  stop_grace_period?: string;
}
const compose = parse(read('compose.yaml')) as { services: Record<string, Service> };

/** An image reference names an exact version (x.y.z in its tag) or a digest; never latest or a major alone. */
function pinned(image: string): boolean {
  const m = /^(?<name>[a-z0-9./_-]+)(?::(?<tag>[\w.-]+))?(?:@sha256:(?<digest>[a-f0-9]{64}))?$/.exec(image);
  if (!m?.groups) return false;
  return m.groups.digest !== undefined || /(?:^|\D)\d+\.\d+\.\d+(?:$|\D)/.test(m.groups.tag ?? '');
}

/** A compose duration ("30s", "1m30s", "1500ms") in milliseconds. */
function durationMs(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|us|m|s)/g)];
  if (parts.map((p) => p[0]).join('') !== text) throw new Error(`not a compose duration: ${text}`);
  return parts.reduce((ms, [, n, unit]) => ms + Number(n) * (units[unit ?? ''] ?? NaN), 0);
}

describe('pinned', () => {
  const cases: [string, boolean][] = [
    ['redis:7.4.3-bookworm', true],
    ['axllent/mailpit:v1.33.1', true],
    [`redis@sha256:${'a'.repeat(64)}`, true],
    ['redis:7', false],
    ['redis', false],
    ['axllent/mailpit:latest', false],
  ];
  it.each(cases)('%s: %s', (image, want) => expect(pinned(image)).toBe(want));
});

describe('compose.yaml', () => {
  const { redis, signpost } = compose.services;

  it('pins every image to an exact version', () => {
    const images = Object.entries(compose.services).flatMap(([name, s]) => (s.image ? [[name, s.image] as const] : []));
    expect(images.length).toBeGreaterThanOrEqual(2);
    expect(images.filter(([, image]) => !pinned(image))).toEqual([]);
  });

  it('restarts every service after a crash or a reboot', () => {
    for (const [name, s] of Object.entries(compose.services))
      expect([name, s.restart]).toEqual([name, 'unless-stopped']);
  });

  it('checks Redis with redis-cli ping, and starts Signpost once Redis is healthy', () => {
    expect(redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(signpost?.depends_on).toMatchObject({ redis: { condition: 'service_healthy' } });
  });

  it("gives Signpost a stop grace longer than the worker's shutdown grace", () => {
    // jobs/worker.ts lets in-flight jobs finish this long after SIGTERM.
    const grace = /shutdownGraceMs \?\? ([\d_]+)/.exec(read('jobs/worker.ts'))?.[1];
    expect(grace).toBeDefined();
    const workerGraceMs = Number(grace?.replaceAll('_', ''));
    expect(workerGraceMs).toBe(20_000);
    expect(durationMs(signpost?.stop_grace_period ?? '10s')).toBeGreaterThanOrEqual(workerGraceMs + 5_000);
  });
});

describe('Dockerfile and .dockerignore', () => {
  const dockerfile = read('Dockerfile');
  const ignored = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('builds from an exact Node image', () => {
    const args: Record<string, string> = Object.fromEntries(
      [...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) =>
      (m[1] ?? '').replace(/^\$\{(\w+)\}$/, (_, name: string) => args[name] ?? name),
    );
    expect(bases.length).toBe(2);
    expect(bases.filter((b) => !pinned(b))).toEqual([]);
  });

  it('leaves node_modules, dist, .git, the tests and local state out of the build context', () => {
    for (const entry of ['node_modules', 'dist', '.git', 'test', 'test-artifacts', '.env', 'deploy'])
      expect(ignored).toContain(entry);
  });

  it('keeps everything the Dockerfile copies from the context', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] ?? '').split(/\s+/));
    expect(copied).toContain('src');
    const lost = copied.filter((file) =>
      ignored.some(
        (entry) =>
          entry === file ||
          file.startsWith(`${entry}/`) ||
          (entry.endsWith('*') && file.startsWith(entry.slice(0, -1))),
      ),
    );
    expect(lost).toEqual([]);
  });
});
