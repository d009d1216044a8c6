// The one line a failed start prints: what to change for the user's own mistakes, and a short reason
// for anything else (its stack only with LOG_LEVEL=debug).
import { ValidationError } from '../core/index.ts';
import { RedisServerMissingError } from '../queue/redis/embedded-redis.ts';
import { listenProblem } from './check-port.ts';

export interface StartFailure {
  line: string;
  /** 2 for a setting to change, 1 for anything else. */
  exitCode: number;
  stack?: string;
}

const INSTALL_REDIS = 'Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis';

export function startFailure(err: unknown, listen?: { host: string; port: number }): StartFailure {
  if (err instanceof ValidationError) return { line: err.message, exitCode: 2 };
  if (err instanceof RedisServerMissingError)
    return { line: `cannot start: ${err.message} (${INSTALL_REDIS})`, exitCode: 2 };
  const problem = listen && listenProblem(err, listen.host, listen.port);
  if (problem) return { line: new ValidationError([problem], 'cannot start').message, exitCode: 2 };
  const message = (err as Error)?.message ?? String(err);
  return { line: `cannot start: ${message}`, exitCode: 1, stack: (err as Error)?.stack };
}
