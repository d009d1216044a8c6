// Entry point: `tsx bin/main.ts ROLE` where ROLE is api, renderer, discord, telegram or all.
import { ValidationError } from '../core/index.ts';
import { loadConfig } from './config-file.ts';
import { ROLES, type Role, startRole } from './roles.ts';

const role = (process.argv[2] ?? 'all') as Role;
if (!ROLES.includes(role)) {
  console.error(`unknown role "${role}": use one of ${ROLES.join(', ')}`);
  process.exit(2);
}
try {
  const config = loadConfig();
  const running = await startRole(role, config);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await running.stop();
    process.exit(0);
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
