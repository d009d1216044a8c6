// Stage 2 groundwork shared by every pipeline: per-picture seeds, generators and schedulers, and
// whether the guidance batch is needed.
import { MAX_SEED } from '../../../core/job/limits.ts';
import type { LoadedModel } from '../../model/loaded-model.ts';
import { TorchGenerator } from '../../rng/torch-generator.ts';
import { schedulerForSampler } from '../../schedulers/registry.ts';
import type { Scheduler } from '../../schedulers/scheduler.ts';
import type { RenderRequest } from '../render-request.ts';

export interface RunSetup {
  seeds: number[];
  generators: TorchGenerator[];
  schedulers: Scheduler[];
  latentSize: { h: number; w: number };
  /**
   * No guidance batch at scale <= 1 or for distilled models (an LCM pipeline, or imagine.json saying
   * so). The lcm sampler alone still guides above 1, as diffusers does (SD 1.5 with an LCM-LoRA).
   */
  withGuidance: boolean;
}

export function prepareRun(model: LoadedModel, request: RenderRequest): RunSetup {
  const seeds = Array.from({ length: request.count }, (_, i) => (request.seed + i) % (MAX_SEED + 1));
  return {
    seeds,
    generators: seeds.map((s) => new TorchGenerator(s)),
    schedulers: seeds.map(() => schedulerForSampler(request.sampler, model.schedulerConfig)),
    latentSize: { h: request.height / 8, w: request.width / 8 },
    withGuidance: request.guidance > 1 && model.usesGuidance,
  };
}
