// txt2img: noise from the seed, denoised under the prompt, decoded to PNGs (diffusers'
// StableDiffusionPipeline.__call__, step by step).
import { NoiseAhead } from '../rng/noise-ahead.ts';
import type { Pipeline } from './render-request.ts';
import { decodePictures, renderResult } from './stages/decode-pictures.ts';
import { denoise } from './stages/denoise.ts';
import { encodePrompt } from './stages/encode-prompt.ts';
import { prepareRun } from './stages/prepare-run.ts';

export const txt2img: Pipeline = async (model, request, hooks) => {
  const { prompt, negativePrompt, count, steps } = request;
  // Picture i of the job gets seed + i, its own generator and its own scheduler.
  const run = prepareRun(model, request);
  const { h, w } = run.latentSize;
  // The starting noise is drawn on the noise thread while the text encoder holds this one; after
  // it, the first step's draw is started there too (same values either way: noise-ahead.ts).
  const noise = new NoiseAhead(run.generators);
  noise.expect(4 * h * w);
  noise.drawAhead();

  // 1. Encode the prompt: [negative, positive] hidden states when guiding.
  const text = await encodePrompt(model, prompt, negativePrompt, count, run.withGuidance);

  // 2. Prepare timesteps: the full schedule.
  for (const s of run.schedulers) s.setTimesteps(steps);
  const timesteps = run.schedulers[0].timesteps;

  // 3. Prepare latents: each picture's noise from its own generator, at the scheduler's starting sigma.
  const latents = run.generators.map((_, i) => {
    const start = noise.source(i).randn([1, 4, h, w]);
    const sigma = run.schedulers[i].initNoiseSigma;
    for (let k = 0; k < start.length; k++) start[k] *= sigma;
    return start;
  });

  // 4. Denoise.
  const denoised = await denoise({ ...run, text, timesteps, latents, hooks, noise });

  // 5. Decode to PNGs that carry their parameters.
  const images = await decodePictures(run, denoised);
  return renderResult(run, 'txt2img', images, text.warnings);
};
