// npm run demo: Signpost with the shipped watchbook's rules, run against a recorded week of news served
// from a local server (demo/timeline.json), so a newcomer without internet sees sources polled, items
// scored, the scenario picture move, the alerts it raises and whom they would reach, and the web role's
// overview. Uses REDIS_URL when set; else starts a redis-server of its own when one is installed; else runs
// in-process on the memory store (scripts/demo/run.ts). DEMO_SECONDS (default 60) is how long it runs.
import { runDemo } from './demo/run.js';

const seconds = Number(process.env.DEMO_SECONDS ?? 60);
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error(
    `demo: DEMO_SECONDS must be a positive number of seconds, got ${JSON.stringify(process.env.DEMO_SECONDS)}`,
  );
  process.exit(2);
}
try {
  const demo = await runDemo({ seconds, ...(process.env.REDIS_URL && { redisUrl: process.env.REDIS_URL }) });
  process.once('SIGINT', () => void demo.stop());
  process.once('SIGTERM', () => void demo.stop());
  await demo.finished;
  process.exit(0);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
