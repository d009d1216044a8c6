// Argument checks shared by the schedulers' step functions, so misuse fails loudly instead of producing
// a picture of noise.
import type { NoiseSource } from './scheduler.ts';

export function requireSameLength(
  className: string,
  sample: Float32Array,
  other: Float32Array,
  what: string,
): void {
  if (other.length !== sample.length) {
    throw new Error(`${className}: ${what} has ${other.length} values but the sample has ${sample.length}`);
  }
}

export function requireNoiseSource(className: string, rng: NoiseSource | undefined): NoiseSource {
  if (!rng) throw new Error(`${className}.step draws noise and needs a noise source (rng)`);
  return rng;
}

export function requireSchedule(className: string, timesteps: Float32Array): void {
  if (timesteps.length === 0) throw new Error(`${className}: call setTimesteps before stepping`);
}

/** alpha_bar at an integer training timestep. */
export function alphaBarAt(className: string, alphasCumprod: Float32Array, t: number): number {
  if (!Number.isInteger(t) || t < 0 || t >= alphasCumprod.length) {
    throw new Error(`${className}: timestep ${t} is not a training step in [0, ${alphasCumprod.length - 1}]`);
  }
  return alphasCumprod[t];
}

/** Draws noise for the sample and checks the source gave as many values as asked. */
export function drawNoise(className: string, rng: NoiseSource | undefined, count: number): Float32Array {
  const noise = requireNoiseSource(className, rng).randn(count);
  if (noise.length !== count)
    throw new Error(`${className}: noise source gave ${noise.length} of ${count} values`);
  return noise;
}
