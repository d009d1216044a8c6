// Replays one case of schedulers.json: the reference README's loop (a seeded generator, a fixed stand-in
// for the UNet, every scheduler step) and compares timesteps, sigmas and the final latent with diffusers'.
import { TorchGenerator } from '../rng/torch-generator.ts';
import { img2imgTimesteps } from '../schedulers/img2img.ts';
import { createScheduler } from '../schedulers/registry.ts';
import type { CaseResult } from './case-result.ts';
import { parseSchedulerCase, type SchedulerCase } from './scheduler-case-shape.ts';

/** Relative tolerance (max abs error over max abs reference value) a faithful float32 port meets. */
export const SCHEDULER_TOLERANCE = 1e-4;

interface Comparison {
  quantity: string;
  err: number;
}

export function checkSchedulerCase(c: unknown): CaseResult {
  let parsed: SchedulerCase;
  try {
    parsed = parseSchedulerCase(c);
  } catch (err) {
    const label = typeof c === 'object' && c !== null && 'name' in c ? String(c.name) : 'case';
    return {
      name: `scheduler ${label}`,
      pass: false,
      maxErr: Number.NaN,
      detail: `malformed case: ${message(err)}`,
    };
  }
  const name = caseName(parsed);
  try {
    const { comparisons, traceNote } = replay(parsed);
    const maxErr = Math.max(...comparisons.map((x) => x.err));
    const failed = comparisons.filter((x) => !(x.err <= SCHEDULER_TOLERANCE));
    if (failed.length === 0) return { name, pass: true, maxErr };
    const what = failed.map((x) => `${x.quantity} rel_err=${x.err.toExponential(2)}`).join(', ');
    return { name, pass: false, maxErr, detail: `${what} (tolerance ${SCHEDULER_TOLERANCE})${traceNote}` };
  } catch (err) {
    return { name, pass: false, maxErr: Number.NaN, detail: message(err) };
  }
}

function caseName(c: SchedulerCase): string {
  const what = `${c.scheduler} steps=${c.steps} seed=${c.seed}${c.strength === undefined ? '' : ` strength=${c.strength}`}`;
  return c.name ? `scheduler ${c.name}: ${what}` : `scheduler ${what}`;
}

/** The stand-in UNet of the reference loop: eps = 0.5 tanh(x) + 0.1 cos(t / 100). */
function fakeUnet(input: Float32Array, t: number): Float32Array {
  const bias = 0.1 * Math.cos(Math.fround(t / 100));
  return input.map((x) => 0.5 * Math.tanh(x) + bias);
}

function replay(c: SchedulerCase): { comparisons: Comparison[]; traceNote: string } {
  const g = new TorchGenerator(c.seed);
  const scheduler = createScheduler(c.scheduler, c.config);
  scheduler.setTimesteps(c.steps);
  const comparisons: Comparison[] = [
    { quantity: 'timesteps', err: relativeError(scheduler.timesteps, c.timesteps) },
    {
      quantity: 'init_noise_sigma',
      err: relativeError([scheduler.initNoiseSigma], [c.init_noise_sigma]),
    },
  ];
  if (c.sigmas) {
    comparisons.push({ quantity: 'sigmas', err: relativeError(scheduler.sigmas ?? [], c.sigmas) });
  }

  let x: Float32Array;
  let timesteps: Float32Array;
  if (c.strength !== undefined && c.img2img_timesteps) {
    const numel = c.x_init.length;
    const clean = Float32Array.from({ length: numel }, (_, i) =>
      numel === 1 ? -1 : -1 + (2 * i) / (numel - 1),
    );
    timesteps = img2imgTimesteps(scheduler, c.steps, c.strength);
    comparisons.push({ quantity: 'img2img_timesteps', err: relativeError(timesteps, c.img2img_timesteps) });
    if (timesteps.length === 0) throw new Error('img2img keeps no timesteps');
    x = scheduler.addNoise(clean, g.randn(c.shape), timesteps[0]);
  } else {
    timesteps = scheduler.timesteps;
    x = g.randn(c.shape).map((v) => v * scheduler.initNoiseSigma);
  }
  comparisons.push({ quantity: 'x_init', err: relativeError(x, c.x_init) });

  let firstOff = -1;
  timesteps.forEach((t, i) => {
    const eps = fakeUnet(scheduler.scaleModelInput(x, t), t);
    x = scheduler.step(eps, t, x, g);
    const ref = c.trace?.[i];
    if (
      firstOff < 0 &&
      ref &&
      relativeError(x.subarray(0, ref.first4.length), ref.first4) > SCHEDULER_TOLERANCE
    ) {
      firstOff = i;
    }
  });
  comparisons.push({ quantity: 'x_final', err: relativeError(x, c.x_final) });
  const traceNote = firstOff < 0 ? '' : `; first diverging step ${firstOff} (t=${timesteps[firstOff]})`;
  return { comparisons, traceNote };
}

/** Max abs difference over max abs reference value; Infinity when the lengths differ. */
function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < want.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    maxRef = Math.max(maxRef, Math.abs(want[i]));
  }
  if (Number.isNaN(maxDiff)) return Number.NaN;
  return maxRef === 0 ? maxDiff : maxDiff / maxRef;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
