// Entry point: `tsx bin/main.ts ROLE [--quickstart] [--once]` where ROLE is api, renderer, discord,
// telegram or all; `npm start` is `all --quickstart` (a sample render and the next steps).
import { loadConfig } from './config-file.ts';
import { parseStartFlags, runQuickstart } from './quickstart.ts';
import { ROLES, type Role, startRole } from './roles.ts';
import { startFailure } from './start-failure.ts';

/** How long a stop may take before the process exits regardless (a render step, closing Redis). */
const STOP_DEADLINE_MS = 8000;
/**
 * One Ctrl-C can arrive more than once: the terminal signals the whole process group, and npm (or
 * another launcher) forwards its own copy. A signal this soon after the first is that same keypress.
 */
const SAME_SIGNAL_MS = 1000;

const role = (process.argv[2] ?? 'all') as Role;
if (!ROLES.includes(role)) {
  console.error(`unknown role "${role}": use one of ${ROLES.join(', ')}`);
  process.exit(2);
}
const flags = parseStartFlags(process.argv.slice(3));
if (typeof flags === 'string' || (flags.quickstart && role !== 'all')) {
  console.error(typeof flags === 'string' ? flags : '--quickstart and --once need the all role');
  process.exit(2);
}
/** Where the HTTP server was to listen, to tell a listen error in terms of HOST and PORT. */
let listenAddress: { host: string; port: number } | undefined;
try {
  const config = loadConfig();
  listenAddress = config.http;
  const running = await startRole(role, config);
  let stopping = false;
  let firstSignalAt = 0;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      if (Date.now() - firstSignalAt < SAME_SIGNAL_MS) return;
      console.error('second signal: exiting now');
      exitNow(signal);
      return;
    }
    stopping = true;
    firstSignalAt = Date.now();
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
  if (flags.quickstart) {
    const log = (line: string) => console.log(line);
    const sample = await runQuickstart({ config, stack: running.stack, httpUrl: running.httpUrl, log }).then(
      () => true,
      (err: unknown) => {
        console.error(`quickstart: ${(err as Error).message}`);
        return false;
      },
    );
    if (flags.once && !stopping) {
      stopping = true;
      await running.stop();
      process.exit(sample ? 0 : 1);
    }
  }
} catch (err) {
  const failure = startFailure(err, listenAddress);
  console.error(failure.line);
  if (failure.stack && process.env.LOG_LEVEL === 'debug') console.error(failure.stack);
  process.exit(failure.exitCode);
}
