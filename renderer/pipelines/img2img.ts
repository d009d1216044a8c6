// img2img: the input picture's latents noised to the strength's starting step, then denoised
// (diffusers' StableDiffusionImg2ImgPipeline.__call__, step by step).
import type { Pipeline } from './render-request.ts';
import { decodePictures, renderResult } from './stages/decode-pictures.ts';
import { denoise } from './stages/denoise.ts';
import { encodePrompt } from './stages/encode-prompt.ts';
import { loadInitImage, strengthTimesteps } from './stages/init-image.ts';
import { prepareRun } from './stages/prepare-run.ts';

export const img2img: Pipeline = async (model, request, hooks) => {
  const { prompt, negativePrompt, count, steps } = request;
  // Picture i of the job gets seed + i, its own generator and its own scheduler.
  const run = prepareRun(model, request);

  // 1. Read the picture at the job's size (refused here if missing or too large), and its VAE posterior.
  const init = await loadInitImage(model, request);

  // 2. Encode the prompt: [negative, positive] hidden states when guiding.
  const text = await encodePrompt(model, prompt, negativePrompt, count, run.withGuidance);

  // 3. Prepare timesteps: the strength skips the first ones (at least one step is left).
  const { strength, timesteps } = strengthTimesteps(run.schedulers, steps, request.strength);

  // 4. Prepare latents: diffusers' prepare_latents, per picture's generator: the posterior sample
  //    first, then the noise that takes it to the first timestep.
  const { h, w } = run.latentSize;
  const latents = run.generators.map((g, i) => {
    const clean = init.encoder.sample(init.posterior, g);
    return run.schedulers[i].addNoise(clean, g.randn([1, 4, h, w]), timesteps[0]);
  });

  // 5. Denoise.
  const denoised = await denoise({ ...run, text, timesteps, latents, hooks });

  // 6. Decode to PNGs that carry their parameters.
  const images = await decodePictures(run, denoised, { parameters: { 'Denoising strength': strength } });
  return renderResult(run, 'img2img', images, text.warnings);
};
