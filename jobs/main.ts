#!/usr/bin/env -S node --min-semi-space-size=16
// The process entry, the `signpost` binary: the CLI with the worker role, whose BullMQ jobs live here in jobs/.
import { main } from '../src/cli/main.js';
import type { Roles } from '../src/cli/roles.js';
import type { WorkerOptions } from './worker.js';

// Loaded when a command starts the worker: `signpost score` and the other one-shot commands skip BullMQ.
const roles: Roles = { startWorker: async (opts: WorkerOptions) => (await import('./worker.js')).startWorker(opts) };

main(process.argv.slice(2), roles).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`signpost: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
