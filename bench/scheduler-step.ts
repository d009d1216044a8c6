// Cost of one denoising step outside the UNet: model-input scaling, the classifier-free guidance mix and
// the scheduler step, on a 1x4x64x64 latent (512x512 pictures), for every sampler. Each figure is the
// median over all model calls of many full 20-step runs, after warm-up runs (Heun and DPM2 make two
// calls per step, so a step of theirs costs twice the figure).
import { applyGuidance } from '../renderer/pipelines/stages/denoise.ts';
import { TorchGenerator } from '../renderer/rng/torch-generator.ts';
import { SAMPLER_NAMES, schedulerForSampler } from '../renderer/schedulers/registry.ts';

const SHAPE = [1, 4, 64, 64];
const STEPS = 20;
const WARMUP_RUNS = 3;
const TIMED_RUNS = 30;
const GUIDANCE = 7.5;
/** Stable Diffusion 1.x's scheduler_config.json, which every sampler is derived from. */
const MODEL_SCHEDULER_CONFIG = {
  _class_name: 'PNDMScheduler',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  clip_sample: false,
};

const g = new TorchGenerator(0);
const uncond = g.randn(SHAPE).map((v) => 0.1 * v);
const cond = g.randn(SHAPE).map((v) => 0.1 * v);
const label = `(scheduler + guidance, ${SHAPE.join('x')})`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function stepTimes(sampler: string): number[] {
  const scheduler = schedulerForSampler(sampler, MODEL_SCHEDULER_CONFIG);
  const rng = new TorchGenerator(1);
  const times: number[] = [];
  for (let run = 0; run < WARMUP_RUNS + TIMED_RUNS; run++) {
    scheduler.setTimesteps(STEPS);
    let x: Float32Array = rng.randn(SHAPE).map((v) => v * scheduler.initNoiseSigma);
    for (const t of scheduler.timesteps) {
      const start = process.hrtime.bigint();
      scheduler.scaleModelInput(x, t);
      const eps = applyGuidance(uncond, cond, GUIDANCE);
      x = scheduler.step(eps, t, x, rng);
      const micros = Number(process.hrtime.bigint() - start) / 1000;
      if (run >= WARMUP_RUNS) times.push(micros);
    }
  }
  return times;
}

let worst = { sampler: '', micros: 0 };
for (const sampler of SAMPLER_NAMES) {
  const micros = median(stepTimes(sampler));
  const calls = schedulerForSampler(sampler, MODEL_SCHEDULER_CONFIG).order;
  const per = calls === 1 ? 'step' : 'model call (2 per step)';
  console.log(`${sampler.padEnd(20)} ${Math.round(micros).toString().padStart(6)} us per ${per} ${label}`);
  if (micros > worst.micros) worst = { sampler, micros };
}
console.log(`worst: ${worst.sampler} ${Math.round(worst.micros)} us per model call ${label}`);
