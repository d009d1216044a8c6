// Runs one benchmark: `npm run bench -- NAME` loads bench/NAME.ts (or a bench file given by its path),
// which prints its figures and ends with its headline ratio or figure on the last line.
//
// A bench closes what it opened, so the process ends by itself with code 0 right after that line and
// a script that runs it goes on. Two limits turn a bench that would keep such a script waiting into
// a clear failure with exit code 1:
// - its time limit (TIME_LIMIT_S below, else 600 s; BENCH_TIME_LIMIT_S overrides): the whole run;
// - once the bench has finished, EXIT_GRACE_MS for the process to end; if it does not, what is still
//   open (sockets, timers, threads, child processes) is listed, so the leak can be found.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeOpenHandles } from './open-handles.ts';

/** Benches that need longer than the default limit, in seconds. */
const TIME_LIMIT_S: Record<string, number> = { soak: 1800, fleet: 1200 };
const DEFAULT_TIME_LIMIT_S = 600;
const EXIT_GRACE_MS = 5000;

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = process.argv[2];
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'stats.ts', 'open-handles.ts'].includes(f))
  .map((f) => f.slice(0, -3));
const file = arg?.endsWith('.ts') ? path.resolve(arg) : path.join(here, `${arg}.ts`);
if (!arg || !existsSync(file)) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ') || 'none yet'})`);
  process.exit(2);
}
const name = path.basename(file, '.ts');

const limitS = timeLimitSeconds(name);
// Unref'd: a bench that ends cleanly is not kept alive by its own watchdogs.
setTimeout(() => {
  console.error(
    `bench ${name}: did not finish within its time limit of ${limitS} s (BENCH_TIME_LIMIT_S=${limitS * 2} to allow more)`,
  );
  console.error(describeOpenHandles());
  process.exit(1);
}, limitS * 1000).unref();

try {
  await import(pathToFileURL(file).href);
} catch (err) {
  console.error(`bench ${name} failed:`, err);
  process.exit(1);
}

setTimeout(() => {
  console.error(
    `bench ${name}: finished but the process is still running ${EXIT_GRACE_MS / 1000} s later; still open:`,
  );
  console.error(describeOpenHandles());
  process.exit(1);
}, EXIT_GRACE_MS).unref();

function timeLimitSeconds(bench: string): number {
  const raw = process.env.BENCH_TIME_LIMIT_S;
  if (raw === undefined || raw === '') return TIME_LIMIT_S[bench] ?? DEFAULT_TIME_LIMIT_S;
  const seconds = Number(raw);
  if (!(seconds > 0)) {
    console.error(`BENCH_TIME_LIMIT_S must be a positive number of seconds, got "${raw}"`);
    process.exit(2);
  }
  return seconds;
}
