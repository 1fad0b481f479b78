// The worker's heap policy: V8 lets the old generation grow to up to four times what survived the last full
// collection (its own judgement of speed against memory), and a worker that polls all day then swings
// between 60 and 150 MB of heap holding a steady 35. A fixed growth makes its footprint follow what it holds
// (the soak of reliability/ measures it), at the price of a full collection a little more often.
import { setFlagsFromString } from 'node:v8';

/** Heap limit after a full collection: what survived, plus this share. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Applies HEAP_GROWING_PERCENT, unless the process was started with a --heap-growing-percent of its own
 * (`node --heap-growing-percent=N dist/jobs/main.js worker`): an operator's choice wins. Whether it applied.
 */
export function steadyHeap(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent')))
    return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}

/**
 * Node's flags for a worker, given before the script (`node --min-semi-space-size=16 dist/jobs/main.js
 * start`: the Dockerfile, `npm start` and the binary's first line do). V8 sizes its young generation between
 * 1 and 16 MB a semi-space and shrinks it when the process looks idle; a worker's resident size then drops
 * by 30 MB and regains it over the next minutes, and a memory graph reads as noise. Fixed at V8's own
 * maximum it stays level. Given at start only: V8 reads it once, when it makes the heap.
 */
export const NODE_FLAGS = ['--min-semi-space-size=16'] as const;
