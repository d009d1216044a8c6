// Entry point: `tsx bin/main.ts ROLE` where ROLE is api, renderer, discord, telegram or all.
import { ValidationError } from '../core/index.ts';
import { loadConfig } from './config-file.ts';
import { ROLES, type Role, startRole } from './roles.ts';

/** How long a stop may take before the process exits regardless (a render step, closing Redis). */
const STOP_DEADLINE_MS = 8000;

const role = (process.argv[2] ?? 'all') as Role;
if (!ROLES.includes(role)) {
  console.error(`unknown role "${role}": use one of ${ROLES.join(', ')}`);
  process.exit(2);
}
try {
  const config = loadConfig();
  const running = await startRole(role, config);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error('second signal: exiting now');
      exitNow(signal);
      return;
    }
    stopping = true;
    console.log(`${signal}: stopping (send it again to exit at once)`);
    // A part that does not let go in time must not keep the process: exit anyway.
    const force = setTimeout(() => {
      console.error(`still stopping after ${STOP_DEADLINE_MS / 1000} s: exiting now`);
      exitNow('SIGKILL');
    }, STOP_DEADLINE_MS);
    force.unref();
    try {
      await running.stop();
      process.exit(0);
    } catch (err) {
      console.error(`stopping failed: ${(err as Error).message}`);
      process.exit(1);
    }
  };
  // Dies of the signal itself: a normal exit would wait for the render thread's current step (or
  // abort the process if it interrupts one).
  const exitNow = (signal: NodeJS.Signals) => {
    running.kill();
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  if (err instanceof ValidationError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
