// Reading a scheduler config: typed access to its fields, and the fields every scheduler reads alike
// (betas, spacing, prediction type, sigma spacing) in one call. Missing or null fields take the
// diffusers default of the class; a value of the wrong type or outside what we implement is an error
// that names the field, so a model never silently renders with a schedule other than the one its
// config asks for.
import { PREDICTION_TYPES, type PredictionType } from './denoising-step.ts';
import {
  alphasCumprod,
  BETA_SCHEDULES,
  type BetaDefaults,
  betaSchedule,
  DEFAULT_BETAS,
  rescaleZeroTerminalSnr,
  type SigmaScheduleSource,
  type SigmaSpacing,
  TIMESTEP_SPACINGS,
  type TimestepSpacing,
  trainingSigmas,
} from './noise-schedule.ts';
import type { SchedulerConfig } from './scheduler.ts';

export class ConfigReader {
  constructor(
    readonly className: string,
    private readonly config: SchedulerConfig,
  ) {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new Error(`${className}: config must be an object, got ${describe(config)}`);
    }
  }

  private raw(field: string): unknown {
    const value = this.config[field];
    return value === null ? undefined : value;
  }

  /** Throws the standard "not supported" error for a field. */
  fail(field: string, value: unknown, expected: string): never {
    throw new Error(`${this.className}: config ${field}=${describe(value)} is not supported (${expected})`);
  }

  number(field: string, fallback: number): number {
    const value = this.raw(field);
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || Number.isNaN(value)) this.fail(field, value, 'expected a number');
    return value;
  }

  optionalNumber(field: string): number | undefined {
    const value = this.raw(field);
    if (value === undefined) return undefined;
    return this.number(field, 0);
  }

  integer(field: string, fallback: number, min = 0): number {
    const value = this.number(field, fallback);
    if (!Number.isInteger(value) || value < min) this.fail(field, value, `expected an integer >= ${min}`);
    return value;
  }

  bool(field: string, fallback: boolean): boolean {
    const value = this.raw(field);
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(field, value, 'expected true or false');
    return value;
  }

  choice<T extends string>(field: string, supported: readonly T[], fallback: T): T {
    const value = this.raw(field);
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !supported.includes(value as T)) {
      this.fail(field, value, `supported: ${supported.join(', ')}`);
    }
    return value as T;
  }

  optionalNumberArray(field: string): number[] | undefined {
    const value = this.raw(field);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
      this.fail(field, value, 'expected an array of numbers');
    }
    return value as number[];
  }

  /** For options whose only supported setting is unset (null). */
  requireUnset(field: string, why: string): void {
    const value = this.raw(field);
    if (value !== undefined) this.fail(field, value, `only null is supported: ${why}`);
  }

  /** For options we do not implement: only the value that turns them off is accepted. */
  requireOff(field: string, why: string): void {
    const value = this.raw(field);
    if (value !== undefined && value !== false) this.fail(field, value, `only false is supported: ${why}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : String(value);
}

/** Betas from `num_train_timesteps` and `trained_betas` or `beta_schedule`, `beta_start`, `beta_end`. */
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
  return betaSchedule(
    schedule,
    reader.number('beta_start', defaults.beta_start),
    reader.number('beta_end', defaults.beta_end),
    numTrain,
  );
}

/** Which of the common fields a scheduler class has, and their defaults in it. */
export interface NoiseConfigOptions {
  /**
   * `alpha` for the schedulers that step on alpha_bar; `sigma` for those that step on sigmas, where zero
   * terminal SNR keeps the last alpha_bar large but finite (an infinite sigma is no schedule), as diffusers does.
   */
  space: 'alpha' | 'sigma';
  /** The class has `rescale_betas_zero_snr`. */
  zeroSnr: boolean;
  /** Default `timestep_spacing`; undefined where, as in diffusers, it and `steps_offset` do not shape the schedule. */
  spacing?: TimestepSpacing;
  /** The `prediction_type`s the class handles (all three unless said). */
  predictions?: readonly PredictionType[];
  /** Default of `clip_sample`; undefined for a class without it. */
  clipSample?: boolean;
  /** The class has `thresholding` (refused when on). */
  thresholding?: boolean;
  /** The sigma respacings the class has: none, Karras only (the solvers), or Karras and exponential. */
  sigmaSpacings?: 'karras' | 'karras-exponential';
  betas?: BetaDefaults;
}

/** The common fields of a config, read; `reader` reads the class's own ones. */
export interface NoiseConfig extends SigmaScheduleSource {
  reader: ConfigReader;
  alphasCumprod: Float32Array;
  numTrain: number;
  prediction: PredictionType;
  /** `clip_sample_range` when `clip_sample` is on. */
  clipRange: number | undefined;
}

export function readNoiseConfig(
  className: string,
  config: SchedulerConfig,
  options: NoiseConfigOptions,
): NoiseConfig {
  const r = new ConfigReader(className, config);
  let betas = betasFromConfig(r, options.betas);
  const zeroSnr = options.zeroSnr && r.bool('rescale_betas_zero_snr', false);
  if (zeroSnr) betas = rescaleZeroTerminalSnr(betas);
  const abar = alphasCumprod(betas);
  const finite = options.space === 'sigma' ? abar : abar.slice();
  if (zeroSnr) finite[finite.length - 1] = 2 ** -24;
  const trainSigmas = trainingSigmas(finite);
  const spacing = options.spacing
    ? r.choice('timestep_spacing', TIMESTEP_SPACINGS, options.spacing)
    : 'linspace';
  const stepsOffset = options.spacing ? r.integer('steps_offset', 0) : 0;
  const prediction = r.choice('prediction_type', options.predictions ?? PREDICTION_TYPES, 'epsilon');
  const clipRange =
    options.clipSample !== undefined && r.bool('clip_sample', options.clipSample)
      ? r.number('clip_sample_range', 1)
      : undefined;
  if (options.thresholding)
    r.requireOff('thresholding', 'dynamic thresholding is meant for pixel-space models');
  return {
    reader: r,
    className,
    alphasCumprod: abar,
    numTrain: abar.length,
    trainSigmas,
    logSigmas: Float64Array.from(trainSigmas, (s) => Math.fround(Math.log(s))),
    spacing,
    stepsOffset,
    prediction,
    clipRange,
    sigmaSpacing: readSigmaSpacing(r, options.sigmaSpacings),
  };
}

/** use_karras_sigmas / use_exponential_sigmas (at most one); beta and flow sigmas are refused. */
function readSigmaSpacing(r: ConfigReader, has: NoiseConfigOptions['sigmaSpacings']): SigmaSpacing {
  if (has === undefined) return 'interpolated';
  const karras = r.bool('use_karras_sigmas', false);
  let exponential = false;
  if (has === 'karras-exponential') exponential = r.bool('use_exponential_sigmas', false);
  else r.requireOff('use_exponential_sigmas', 'exponential sigmas are not implemented for this scheduler');
  r.requireOff('use_beta_sigmas', 'beta-distributed sigmas are not implemented');
  r.requireOff('use_flow_sigmas', 'flow-matching sigmas are not implemented');
  if (has === 'karras') r.requireOff('use_dynamic_shifting', 'dynamic shifting is for flow-matching models');
  if (karras && exponential) {
    throw new Error(`${r.className}: use_karras_sigmas and use_exponential_sigmas cannot both be true`);
  }
  return karras ? 'karras' : exponential ? 'exponential' : 'interpolated';
}
