// The config fields every sigma-space scheduler reads the same way: the training sigmas (with zero
// terminal SNR where the class supports it) and the choice of sigma spacing.
import { alphasCumprod, betasFromConfig, rescaleZeroTerminalSnr } from './beta-schedule.ts';
import type { ConfigReader } from './config-reader.ts';
import type { SigmaSpacing } from './k-schedule.ts';
import { trainingSigmas } from './sigma-schedule.ts';

export function trainSigmasFromConfig(
  r: ConfigReader,
  zeroSnrSupported: boolean,
): { trainSigmas: Float32Array; logSigmas: Float64Array } {
  let betas = betasFromConfig(r);
  const zeroSnr = zeroSnrSupported && r.bool('rescale_betas_zero_snr', false);
  if (zeroSnr) betas = rescaleZeroTerminalSnr(betas);
  const abar = alphasCumprod(betas);
  // Zero terminal SNR would make the last sigma infinite; keep it large but finite, as diffusers does.
  if (zeroSnr) abar[abar.length - 1] = 2 ** -24;
  const trainSigmas = trainingSigmas(abar);
  return { trainSigmas, logSigmas: Float64Array.from(trainSigmas, (s) => Math.fround(Math.log(s))) };
}

/** use_karras_sigmas / use_exponential_sigmas (at most one); beta sigmas and flow sigmas are refused. */
export function sigmaSpacingFromConfig(r: ConfigReader): SigmaSpacing {
  const karras = r.bool('use_karras_sigmas', false);
  const exponential = r.bool('use_exponential_sigmas', false);
  r.requireOff('use_beta_sigmas', 'beta-distributed sigmas are not implemented');
  r.requireOff('use_flow_sigmas', 'flow-matching sigmas are not implemented');
  if (karras && exponential) {
    throw new Error(`${r.className}: use_karras_sigmas and use_exponential_sigmas cannot both be true`);
  }
  return karras ? 'karras' : exponential ? 'exponential' : 'interpolated';
}
