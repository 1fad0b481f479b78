// The web role: overview for analysts, job board, Prometheus metrics, health checks.
export { authFromEnv, type Credentials, type WebAuth } from './auth.js';
export { startWeb, type RunningWeb, type WebOptions } from './server.js';
