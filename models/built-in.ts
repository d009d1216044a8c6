// The models that ship with the product, built by our own code into the models folder on first
// use. A stamp with the builder version makes later starts skip the work.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildBenchModel } from './bench-model/build-bench-model.ts';
import { buildToyModel } from './toy-model/build-toy-model.ts';
import { buildToyVideoModel } from './toy-video/build-toy-video.ts';

/** Bump when a builder's output changes, so installed copies are rebuilt. */
export const BUILT_IN_VERSION = 14;

const BUILT_IN: Record<string, (dir: string) => void> = {
  toy: (dir) => buildToyModel(dir),
  'toy-inpaint': (dir) => buildToyModel(dir, { inpaint: true }),
};

/**
 * Built on request only: `bench` (benchmarks) draws noise, so the product does not offer it;
 * `toy-video` (a 5-D video UNet over the toy) with `npm run models:toy -- --video`.
 */
const ON_REQUEST: Record<string, (dir: string) => void> = {
  bench: (dir) => buildBenchModel(dir),
  'toy-video': (dir) => buildToyVideoModel(dir),
};

export const BUILT_IN_MODELS = Object.keys(BUILT_IN);

function stampOf(dir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'build.json'), 'utf8')) as { version?: number }).version;
  } catch {
    return undefined;
  }
}

/** Builds each built-in model that is missing or stale; returns the names it built. */
export async function ensureBuiltInModels(
  modelsDir: string,
  log: (line: string) => void = () => undefined,
  extra: readonly string[] = [],
): Promise<string[]> {
  const built: string[] = [];
  const wanted = { ...BUILT_IN, ...Object.fromEntries(extra.map((name) => [name, ON_REQUEST[name]])) };
  for (const [name, build] of Object.entries(wanted)) {
    if (!build) throw new Error(`no built-in model named ${name}`);
    const dir = path.join(modelsDir, name);
    if (stampOf(dir) === BUILT_IN_VERSION) continue;
    const started = performance.now();
    // Build beside, then swap in, so a reader never sees half a model.
    const temp = `${dir}.building-${process.pid}`;
    rmSync(temp, { recursive: true, force: true });
    build(temp);
    writeFileSync(path.join(temp, 'build.json'), `${JSON.stringify({ version: BUILT_IN_VERSION, name })}\n`);
    // Another process (parallel test files, two roles) may have finished first: keep its copy,
    // since its readers may be using it already.
    if (stampOf(dir) === BUILT_IN_VERSION) {
      rmSync(temp, { recursive: true, force: true });
      continue;
    }
    if (existsSync(dir)) {
      const stale = `${dir}.stale-${process.pid}`;
      renameSync(dir, stale);
      rmSync(stale, { recursive: true, force: true });
    }
    try {
      renameSync(temp, dir);
    } catch (err) {
      // Another process built it at the same moment: keep theirs if it is complete.
      rmSync(temp, { recursive: true, force: true });
      if (stampOf(dir) !== BUILT_IN_VERSION) throw err;
      continue;
    }
    built.push(name);
    log(`models: built ${name} in ${dir} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  return built;
}
