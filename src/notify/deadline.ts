// One signal for a send: aborted by our timeout (reason: a TimeoutError) or by the caller's signal,
// whichever comes first. Built by hand rather than with AbortSignal.any(), which keeps every combined
// signal reachable from a long-lived caller signal (a worker's shutdown signal) on some Node versions
// (nodejs/node#54614, #55351); here the listener is removed and the timer cleared when the send ends.
export interface Deadline {
  signal: AbortSignal;
  /** True once our own timeout fired (not the caller's abort). */
  readonly timedOut: boolean;
  /** Clears the timer and the listener on the caller's signal. Call it when the send is over. */
  done(): void;
}

export function deadline(timeoutMs: number, outer?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const onAbort = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    done() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}
