// The store in Redis for a one-off command: connected, handed to it, disconnected after.
import { connectRedis, RedisUnavailableError, RedisUrlError } from '../queue/index.js';
import { RedisStore } from '../store/index.js';

/**
 * Run a command against the store in Redis (REDIS_URL, SIGNPOST_PREFIX), closing the connection after.
 * Without Redis (or with a REDIS_URL that names none), print why and where it was looked for, and return 1.
 */
export async function withStore(
  run: (store: RedisStore, redis: Awaited<ReturnType<typeof connectRedis>>) => Promise<number>,
): Promise<number> {
  let redis;
  try {
    redis = await connectRedis();
  } catch (err) {
    if (!(err instanceof RedisUnavailableError || err instanceof RedisUrlError)) throw err;
    console.error(`signpost: ${err.message}`);
    return 1;
  }
  try {
    return await run(
      new RedisStore(redis, { ...(process.env.SIGNPOST_PREFIX && { prefix: process.env.SIGNPOST_PREFIX }) }),
      redis,
    );
  } finally {
    redis.disconnect();
  }
}
