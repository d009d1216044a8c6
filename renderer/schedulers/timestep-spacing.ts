// How inference timesteps are picked from the training steps (`timestep_spacing`, see table 2 of
// "Common Diffusion Noise Schedules and Sample Steps are Flawed"). All results run from noisy to clean.
import { arange, linspace, roundHalfEven } from './numpy-ranges.ts';

export const TIMESTEP_SPACINGS = ['linspace', 'leading', 'trailing'] as const;
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];

export function checkStepCount(className: string, steps: number, numTrain: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > numTrain) {
    throw new Error(
      `${className}: steps must be an integer from 1 to num_train_timesteps=${numTrain}, got ${steps}`,
    );
  }
}

/**
 * The schedule of DDIM, DDPM, PNDM (integers) and of Euler, Euler ancestral and LMS (`integerLinspace`
 * false: linspace keeps its fractional timesteps, rounded to float32).
 */
export function spacedTimesteps(
  spacing: TimestepSpacing,
  numTrain: number,
  steps: number,
  stepsOffset: number,
  integerLinspace: boolean,
): Float32Array {
  switch (spacing) {
    case 'linspace': {
      const ts = linspace(0, numTrain - 1, steps).reverse();
      return Float32Array.from(ts, (t) => (integerLinspace ? roundHalfEven(t) : t));
    }
    case 'leading': {
      const ratio = Math.floor(numTrain / steps);
      return Float32Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + stepsOffset);
    }
    case 'trailing':
      return Float32Array.from(arange(numTrain, 0, -numTrain / steps), (t) => roundHalfEven(t) - 1);
  }
}

/**
 * The schedule of the multistep DPM-Solver: it places steps + 1 points and drops the clean end, and may
 * stop short of the last training step (`lastTimestep`, from lambda_min_clipped).
 */
export function multistepTimesteps(
  spacing: TimestepSpacing,
  numTrain: number,
  lastTimestep: number,
  steps: number,
  stepsOffset: number,
): Float32Array {
  switch (spacing) {
    case 'linspace': {
      const ts = linspace(0, lastTimestep - 1, steps + 1).reverse();
      return Float32Array.from(ts.subarray(0, steps), roundHalfEven);
    }
    case 'leading': {
      const ratio = Math.floor(lastTimestep / (steps + 1));
      return Float32Array.from({ length: steps }, (_, i) => (steps - i) * ratio + stepsOffset);
    }
    case 'trailing':
      return Float32Array.from(arange(lastTimestep, 0, -numTrain / steps), (t) => roundHalfEven(t) - 1);
  }
}
