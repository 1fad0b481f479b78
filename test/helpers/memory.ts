// Peak resident memory of this process while something runs, sampled on the event loop.

export interface RssSampler {
  /** Stops sampling and returns the peak RSS seen, in bytes. */
  stop(): number;
}

export function sampleRss(intervalMs = 5): RssSampler {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export const MB = 1_000_000;
