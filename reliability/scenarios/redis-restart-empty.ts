// Redis restarted empty (no persistence): the schedule is rebuilt and polling resumes; items alerted
// before are not alerted again; items published after alert once.
import { redisRestartScenario } from '../lib/redis-restart.js';

export const scenario = redisRestartScenario('redis-restart-empty', false);
