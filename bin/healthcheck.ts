// Docker's HEALTHCHECK: the roles that serve HTTP (all, api) are healthy when GET /healthz answers on
// PORT; a renderer when Redis answers and its heartbeat there names a model it can draw; the bots
// serve no HTTP, so their running process is all there is to tell. Exit 0 healthy, 1 not.
import { readFileSync } from 'node:fs';
import os from 'node:os';

const HTTP_ROLES = new Set(['all', 'api']);

/** The role the container's main process runs, from its command line; undefined when unknown. */
function containerRole(): string | undefined {
  try {
    const args = readFileSync('/proc/1/cmdline', 'utf8').split('\0');
    const at = args.findIndex((a) => a.endsWith('bin/main.ts'));
    return at < 0 ? undefined : args[at + 1] || 'all';
  } catch {
    return undefined;
  }
}

const role = containerRole();
if (role === 'renderer') {
  const { rendererReady } = await import('./renderer-health.ts');
  process.exit((await rendererReady(process.env.REDIS_URL, os.hostname())) ? 0 : 1);
}
if (role !== undefined && !HTTP_ROLES.has(role)) process.exit(0);
const port = process.env.PORT || '8080';
try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
