// `npm run models -- list | pull NAME | verify NAME | rm NAME | toy [--out DIR] [--video]`: installs models
// from the registry (models/registry/models.json, or MODELS_REGISTRY) out of the model hub
// (HF_ENDPOINT, HF_TOKEN) into MODELS_DIR, and builds the built-in toy models (--video adds toy-video).
import { rmSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { ValidationError } from '../core/index.ts';
import { didYouMean } from '../core/text/closest.ts';
import { BUILT_IN_MODELS, ensureBuiltInModels } from '../models/built-in.ts';
import type { DownloadEvents } from '../models/download/download-file.ts';
import { hubFromEnv } from '../models/download/hub-endpoint.ts';
import { HubError } from '../models/download/hub-error.ts';
import { installedState, modelFolders } from '../models/download/installed-state.ts';
import { pullModel } from '../models/download/pull-model.ts';
import { verifyModel } from '../models/download/verify-model.ts';
import { RegistryError, readRegistry, registryEntry } from '../models/registry/read-registry.ts';
import type { Registry, RegistryFile } from '../models/registry/registry-schema.ts';
import { loadConfig } from './config-file.ts';

const USAGE = 'usage: npm run models -- list | pull NAME | verify NAME | rm NAME | toy [--out DIR] [--video]';

/** A mistake in what was typed: exit code 2. */
class UsageError extends Error {}

function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'size unknown';
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function totalSize(files: readonly RegistryFile[]): string {
  const known = files.filter((f) => f.size !== null);
  const sum = known.reduce((s, f) => s + (f.size ?? 0), 0);
  if (known.length === files.length) return bytes(sum);
  return known.length === 0 ? 'size unknown' : `over ${bytes(sum)} (some sizes unknown)`;
}

function registry(): Registry {
  return readRegistry(process.env.MODELS_REGISTRY || undefined);
}

function modelsDir(): string {
  return loadConfig().modelsDir;
}

function list(): void {
  const dir = modelsDir();
  const reg = registry();
  console.log(`models in the registry (installed into ${dir}):`);
  for (const [name, entry] of Object.entries(reg.models)) {
    const state = installedState(path.join(dir, name));
    const shown = state === 'absent' ? 'not installed' : state === 'partial' ? 'partly pulled' : 'installed';
    console.log(
      `  ${name.padEnd(20)} ${shown.padEnd(14)} ${totalSize(entry.files).padEnd(14)} ${entry.description}`,
    );
    console.log(`  ${''.padEnd(20)} ${entry.repo}@${entry.revision}${entry.note ? `; ${entry.note}` : ''}`);
  }
  const others = modelFolders(dir).filter((name) => !Object.hasOwn(reg.models, name));
  if (others.length > 0) {
    console.log('other installed models:');
    for (const name of others) {
      console.log(`  ${name.padEnd(20)} ${BUILT_IN_MODELS.includes(name) ? 'built in' : 'local folder'}`);
    }
  }
}

/** A bar on a terminal; plain lines (start, resume, done) when the output is a file or a pipe. */
function fileEvents(label: string): DownloadEvents & { finish(): void } {
  if (!process.stdout.isTTY) {
    // A line per quarter of a large file, so a log shows a long download is moving.
    let size: number | undefined;
    let quarter = 0;
    return {
      progress: (received) => {
        if (size === undefined || size < 50e6) return;
        const now = Math.floor((received / size) * 4);
        if (now > quarter && now < 4)
          console.log(`${label}: ${now * 25}% (${bytes(received)} of ${bytes(size)})`);
        quarter = Math.max(quarter, now);
      },
      start: ({ total, resumedFrom }) => {
        size = total;
        quarter = total ? Math.floor((resumedFrom / total) * 4) : 0;
        console.log(
          resumedFrom > 0
            ? `${label}: resuming at ${resumedFrom} of ${total ?? '?'} bytes`
            : `${label}: downloading ${bytes(total)}`,
        );
      },
      retry: ({ at, reason }) => console.log(`${label}: ${reason}; retrying from byte ${at}`),
      finish: () => undefined,
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  return {
    start: ({ total, resumedFrom }) => {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        {
          stream: process.stdout,
          format: `${label} [{bar}] {percentage}% {got}/{size}${resumedFrom > 0 ? ' (resumed)' : ''}`,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total ?? 0, resumedFrom, { got: bytes(resumedFrom), size: bytes(total) });
    },
    progress: (received) => bar?.update(received, { got: bytes(received) }),
    retry: ({ at, reason }) => {
      bar?.stop();
      bar = undefined;
      console.log(`${label}: ${reason}; retrying from byte ${at}`);
    },
    finish: () => bar?.stop(),
  };
}

async function pull(name: string): Promise<number> {
  const entry = registryEntry(registry(), name);
  const hub = hubFromEnv(process.env);
  const dir = path.join(modelsDir(), name);
  console.log(`pull ${name}: ${entry.repo}@${entry.revision} from ${hub.endpoint} into ${dir}`);
  let current: ReturnType<typeof fileEvents> | undefined;
  await pullModel(hub, entry, dir, {
    file: (file, i, count) => {
      current = fileEvents(`${name} ${i + 1}/${count} ${file.path}`);
      return current;
    },
    done: (file, outcome, checkedAgainst) => {
      current?.finish();
      const check =
        checkedAgainst === 'registry'
          ? 'sha256 matches the registry'
          : checkedAgainst === 'hub'
            ? "sha256 matches the hub's"
            : 'no sha256 known to check (recorded for verify)';
      const said =
        outcome === 'kept'
          ? 'already downloaded'
          : outcome === 'absent'
            ? 'not in this repository (optional)'
            : `ok, ${check}`;
      console.log(`${name}: ${file.path}: ${said}`);
    },
  });
  console.log(`pull ${name}: installed in ${dir} (use it with --model ${name})`);
  return 0;
}

async function verify(name: string): Promise<number> {
  const entry = registryEntry(registry(), name);
  const dir = path.join(modelsDir(), name);
  if (installedState(dir) === 'absent')
    throw new UsageError(`${name} is not installed in ${modelsDir()}; pull it first`);
  const result = await verifyModel(entry, dir);
  for (const f of result.files) {
    console.log(`${name}: ${f.path}: ${f.ok ? `ok (${f.checked})` : `BAD: ${f.problem}`}`);
  }
  for (const a of result.absent) console.log(`${name}: ${a}: not in the repository at pull time (optional)`);
  const unknownSha = entry.files.filter((f) => f.sha256 === null && !result.absent.includes(f.path)).length;
  const unknownSize = entry.files.filter((f) => f.size === null && !result.absent.includes(f.path)).length;
  if (unknownSha + unknownSize > 0) {
    console.log(
      `${name}: the registry knows no sha256 for ${unknownSha} and no size for ${unknownSize} of ${entry.files.length} files; those were checked against what the hub stated or was recorded at download`,
    );
  }
  const bad = result.files.filter((f) => !f.ok).length;
  if (bad > 0) {
    console.error(
      `verify ${name}: ${bad} file(s) damaged or missing; pull ${name} again after removing them (npm run models -- rm ${name})`,
    );
    return 1;
  }
  console.log(`verify ${name}: ${result.files.length} files ok`);
  return 0;
}

function remove(name: string): number {
  const dir = modelsDir();
  const reg = registry();
  const known = [...new Set([...Object.keys(reg.models), ...modelFolders(dir)])];
  if (BUILT_IN_MODELS.includes(name)) {
    throw new UsageError(`${name} is built in and is rebuilt on every start; it cannot be removed`);
  }
  if (!known.includes(name)) {
    throw new UsageError(`no model named "${name}"${didYouMean(name, known)}; known: ${known.join(', ')}`);
  }
  const folder = path.join(dir, name);
  if (installedState(folder) === 'absent') {
    console.log(`rm ${name}: not installed in ${dir}; nothing removed`);
    return 0;
  }
  rmSync(folder, { recursive: true, force: true });
  console.log(`rm ${name}: removed ${folder}`);
  return 0;
}

async function toy(args: string[]): Promise<number> {
  const at = args.indexOf('--out');
  if (at >= 0 && !args[at + 1]) throw new UsageError('--out needs a folder: npm run models:toy -- --out DIR');
  const dir = at >= 0 ? args[at + 1] : modelsDir();
  const extra = args.includes('--video') ? ['toy-video'] : [];
  const built = await ensureBuiltInModels(dir, (line) => console.log(line), extra);
  if (built.length === 0) console.log(`models: the built-in models in ${dir} are up to date`);
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [command, name, ...rest] = args;
  if (command === 'toy') return toy(args.slice(1));
  const commands = ['list', 'pull', 'verify', 'rm', 'toy'];
  if (command === undefined || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!commands.includes(command))
    throw new UsageError(`"${command}" is not a command${didYouMean(command, commands)}; ${USAGE}`);
  if (command === 'list') {
    list();
    return 0;
  }
  if (!name || rest.length > 0) throw new UsageError(`${command} takes one model name; ${USAGE}`);
  if (command === 'pull') return pull(name);
  if (command === 'verify') return verify(name);
  return remove(name);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  const usage = err instanceof UsageError || err instanceof RegistryError || err instanceof ValidationError;
  const known = usage || err instanceof HubError;
  console.error(
    `models: ${known ? (err as Error).message : `failed: ${(err as Error).message.split('\n')[0]}`}`,
  );
  process.exitCode =
    usage && !(err instanceof RegistryError && /cannot be read|not valid/.test((err as Error).message))
      ? 2
      : 1;
}
