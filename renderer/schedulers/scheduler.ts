// The contract every noise scheduler in the renderer honours, modelled on diffusers' scheduler API so a
// model folder's scheduler_config.json means the same thing here as it does there.

/** A source of standard normal draws; the renderer passes a PyTorch-compatible generator. */
export interface NoiseSource {
  /** Draws `shape` (or that many) standard normal values. Only the element count affects the draw. */
  randn(shape: readonly number[] | number): Float32Array;
}

/** A diffusers `scheduler_config.json` object: unknown fields are ignored, unsupported values rejected. */
export type SchedulerConfig = Readonly<Record<string, unknown>>;

export interface Scheduler {
  /** The diffusers class this scheduler reproduces, e.g. `EulerDiscreteScheduler`. */
  readonly className: string;
  /** Model evaluations per entry of `timesteps` (1 for every scheduler here); img2img trims by it. */
  readonly order: number;
  /** Timesteps of the current schedule, in the order they are visited (empty before `setTimesteps`). */
  readonly timesteps: Float32Array;
  /** Noise levels of the schedule, one more than `timesteps`; only for sigma-space schedulers. */
  readonly sigmas?: Float32Array;
  /** Standard deviation of the starting latent: multiply unit noise by this. */
  readonly initNoiseSigma: number;
  /** Builds the schedule for `steps` inference steps and starts a fresh run. */
  setTimesteps(steps: number): void;
  /** Starts the next run at `timesteps[index]` (img2img); only schedulers that track a step index have it. */
  setBeginIndex?(index: number): void;
  /** Forgets per-run state (step index, stored model outputs) but keeps the schedule. */
  reset(): void;
  /** Scales the latent before it goes into the UNet. May return `sample` itself when no scaling applies. */
  scaleModelInput(sample: Float32Array, t: number): Float32Array;
  /** One denoising step from timestep `t`; stochastic schedulers draw from `rng` and fail without it. */
  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): Float32Array;
  /** Noises a clean latent to the level of timestep `t` (img2img start). */
  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array;
}
