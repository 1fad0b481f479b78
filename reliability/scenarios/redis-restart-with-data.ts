// Redis restarted with its data (append-only file): polling resumes, nothing lost or sent twice.
import { redisRestartScenario } from '../lib/redis-restart.js';

export const scenario = redisRestartScenario('redis-restart-with-data', true);
