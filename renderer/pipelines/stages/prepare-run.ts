// What every picture pipeline sets up before its first step: the run's clock, per-picture seeds,
// generators and schedulers, and whether the guidance batch is needed. Its fields are named as
// denoise() takes them, so a pipeline passes `{ ...run, text, timesteps, latents }`.
import { MAX_SEED } from '../../../core/job/limits.ts';
import type { LoadedModel } from '../../model/loaded-model.ts';
import { TorchGenerator } from '../../rng/torch-generator.ts';
import { schedulerForSampler } from '../../schedulers/registry.ts';
import type { Scheduler } from '../../schedulers/scheduler.ts';
import type { RenderRequest, RenderResult } from '../render-request.ts';

export interface Run {
  model: LoadedModel;
  request: RenderRequest;
  seeds: number[];
  generators: TorchGenerator[];
  schedulers: Scheduler[];
  latentSize: { h: number; w: number };
  /**
   * No guidance batch at scale <= 1 or for distilled models (an LCM pipeline, or imagine.json saying
   * so). The lcm sampler alone still guides above 1, as diffusers does (SD 1.5 with an LCM-LoRA).
   */
  withGuidance: boolean;
  guidance: number;
  previewEvery?: number;
  /** What the stages found that the user should know (a float16 VAE that overflowed). */
  warnings: string[];
  timings: () => RenderResult['timings'];
}

export function prepareRun(model: LoadedModel, request: RenderRequest): Run {
  const timings = startTimings(model);
  const seeds = Array.from({ length: request.count }, (_, i) => (request.seed + i) % (MAX_SEED + 1));
  return {
    model,
    request,
    seeds,
    generators: seeds.map((s) => new TorchGenerator(s)),
    schedulers: seeds.map(() => schedulerForSampler(request.sampler, model.schedulerConfig)),
    latentSize: { h: request.height / 8, w: request.width / 8 },
    withGuidance: request.guidance > 1 && model.usesGuidance,
    guidance: request.guidance,
    previewEvery: request.previewEvery,
    warnings: [],
    timings,
  };
}

/** Wall time from now next to the time the model spends inside session.run meanwhile. */
export function startTimings(model: LoadedModel): () => RenderResult['timings'] {
  const started = performance.now();
  const { runMs, runs } = model.clock;
  return () => ({
    totalMs: performance.now() - started,
    sessionRunMs: model.clock.runMs - runMs,
    sessionRuns: model.clock.runs - runs,
  });
}
