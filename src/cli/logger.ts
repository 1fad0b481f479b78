// The process's log: JSON lines at $LOG_LEVEL, with the fields that may hold secrets censored.
import { pino, type Logger } from 'pino';

export function defaultLogger(): Logger {
  return pino({
    level: process.env.LOG_LEVEL ?? 'info',
    redact: {
      paths: ['*.webhook', '*.secret', '*.password', '*.authorization', 'watchbook.receivers'],
      censor: '[secret]',
    },
  });
}
