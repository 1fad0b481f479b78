// Queue: the Redis connections, and the BullMQ queues with their job payloads and options.
export {
  connectRedis,
  evictionWarning,
  isConnectionError,
  RedisState,
  RedisUnavailableError,
  DEFAULT_REDIS_URL,
  type StateLog,
} from './connection.js';
export {
  createRedis,
  isCluster,
  parseRedisUrl,
  redactUrl,
  RedisUrlError,
  type ClientOptions,
  type HostPort,
  type RedisConnection,
  type RedisTarget,
} from './redis-client.js';
export {
  DELIVER_ATTEMPTS,
  deliverBackoff,
  deliverBackoffWith,
  deliverRetryWindowMs,
  deliverSchedule,
  FAILED_KEPT_MS,
  jobId,
  openQueues,
  QUEUE,
  type DeliverJob,
  type DigestJob,
  type FetchJob,
  type Queues,
  type ScoreJob,
  type TickJob,
} from './queues.js';
export { Worker, UnrecoverableError, type Job } from 'bullmq';
