// Training noise schedule shared by every scheduler: betas from the config, then the cumulative product of
// alphas. Computed in float32 the way PyTorch does, because sigmas and timesteps derive from it.
import type { ConfigReader } from './config-reader.ts';

export const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const;
export type BetaSchedule = (typeof BETA_SCHEDULES)[number];

export interface BetaDefaults {
  beta_start: number;
  beta_end: number;
  beta_schedule: BetaSchedule;
}

/** diffusers' constructor defaults shared by most schedulers (LCM overrides them). */
export const DEFAULT_BETAS: BetaDefaults = { beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };

export function betasFromConfig(reader: ConfigReader, defaults: BetaDefaults = DEFAULT_BETAS): Float32Array {
  const numTrain = reader.integer('num_train_timesteps', 1000, 2);
  const trained = reader.optionalNumberArray('trained_betas');
  if (trained) {
    if (trained.length !== numTrain) {
      throw new Error(
        `${reader.className}: config trained_betas has ${trained.length} values but num_train_timesteps=${numTrain}`,
      );
    }
    return Float32Array.from(trained);
  }
  const schedule = reader.choice('beta_schedule', BETA_SCHEDULES, defaults.beta_schedule);
  const start = reader.number('beta_start', defaults.beta_start);
  const end = reader.number('beta_end', defaults.beta_end);
  switch (schedule) {
    case 'linear':
      return torchLinspaceF32(start, end, numTrain);
    case 'scaled_linear': {
      // Linear in sqrt(beta): the latent-diffusion schedule.
      const roots = torchLinspaceF32(Math.sqrt(start), Math.sqrt(end), numTrain);
      return roots.map((r) => r * r);
    }
    case 'squaredcos_cap_v2':
      return cosineBetas(numTrain);
  }
}

/** Improved-DDPM cosine schedule: betas that discretise alpha_bar(t) = cos^2((t + 0.008) / 1.008 * pi/2). */
function cosineBetas(numTrain: number, maxBeta = 0.999): Float32Array {
  const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  const betas = new Float32Array(numTrain);
  for (let i = 0; i < numTrain; i++) {
    betas[i] = Math.min(1 - alphaBar((i + 1) / numTrain) / alphaBar(i / numTrain), maxBeta);
  }
  return betas;
}

/** torch.linspace in float32: the first half counts up from start, the second half down from end. */
function torchLinspaceF32(start: number, end: number, steps: number): Float32Array {
  const f = Math.fround;
  const s = f(start);
  const e = f(end);
  const step = f(f(e - s) / (steps - 1));
  const half = Math.floor(steps / 2);
  const out = new Float32Array(steps);
  for (let i = 0; i < steps; i++) out[i] = i < half ? s + f(step * i) : e - f(step * (steps - 1 - i));
  return out;
}

/** Cumulative product of (1 - beta); PyTorch accumulates a float32 cumprod in double. */
export function alphasCumprod(betas: Float32Array): Float32Array {
  const out = new Float32Array(betas.length);
  let acc = 1;
  for (let i = 0; i < betas.length; i++) {
    acc *= Math.fround(1 - betas[i]);
    out[i] = acc;
  }
  return out;
}

/**
 * Rescales betas so the last timestep has zero signal-to-noise ratio (Lin et al. 2023, "Common Diffusion
 * Noise Schedules and Sample Steps are Flawed"): shift and scale sqrt(alpha_bar) so it ends at exactly 0.
 */
export function rescaleZeroTerminalSnr(betas: Float32Array): Float32Array {
  const sqrtBar = alphasCumprod(betas).map(Math.sqrt);
  const first = sqrtBar[0];
  const last = sqrtBar[sqrtBar.length - 1];
  const scale = first / (first - last);
  const bar = sqrtBar.map((v) => ((v - last) * scale) ** 2);
  const out = new Float32Array(betas.length);
  out[0] = 1 - bar[0];
  for (let i = 1; i < bar.length; i++) out[i] = 1 - bar[i] / bar[i - 1];
  return out;
}
