// inpaint, both established ways (diffusers' StableDiffusionInpaintPipeline.__call__, step by step):
// - 9-channel inpaint model: the UNet sees [latents, mask, masked-image latents] every step;
// - base model: after every step the known region is replaced by the input's latents noised to the
//   level the next step expects, so only the masked region is invented.
// Either way the unmasked pixels are pasted back after decoding, so they equal the input exactly.
import { ValidationError } from '../../core/errors.ts';
import { maskToLatent, prepareMask } from '../image/mask.ts';
import { shownSize } from '../image/open-picture.ts';
import { pasteUnmasked } from '../image/paste-unmasked.ts';
import type { Scheduler } from '../schedulers/scheduler.ts';
import type { Pipeline, RenderRequest } from './render-request.ts';
import { decodePictures, renderResult } from './stages/decode-pictures.ts';
import { denoise } from './stages/denoise.ts';
import { encodePrompt } from './stages/encode-prompt.ts';
import { loadInitImage, strengthTimesteps } from './stages/init-image.ts';
import { prepareRun } from './stages/prepare-run.ts';

export const inpaint: Pipeline = async (model, request, hooks) => {
  const { prompt, negativePrompt, count, steps } = request;
  // Picture i of the job gets seed + i, its own generator and its own scheduler.
  const run = prepareRun(model, request);

  // 1. Read the picture (and its VAE posterior) and the mask, both at the job's size.
  const init = await loadInitImage(model, request);
  const { mask, latentMask, warnings } = await loadMask(request);

  // 2. Encode the prompt: [negative, positive] hidden states when guiding.
  const text = await encodePrompt(model, prompt, negativePrompt, count, run.withGuidance);

  // 3. Prepare timesteps: the strength skips the first ones (at least one step is left).
  const { strength, timesteps } = strengthTimesteps(run.schedulers, steps, request.strength);

  // 4. Prepare latents. Only a 9-channel UNet looks at the masked picture, but diffusers samples its
  //    posterior either way. Per picture's generator, in diffusers' order: prepare_latents draws the
  //    input's posterior sample (a blend needs it, and so does a start below full strength) and the
  //    noise; prepare_mask_latents then draws the masked picture's sample.
  const { h, w } = run.latentSize;
  const pictureDims = [1, 3, request.height, request.width] as const;
  const maskedPosterior = model.isInpaint
    ? await init.encoder.posterior(maskedPicture(init.tensor, mask.hard), pictureDims)
    : undefined;
  const draws = run.generators.map((g, i) => {
    const s = run.schedulers[i];
    const known = !model.isInpaint || strength < 1 ? init.encoder.sample(init.posterior, g) : undefined;
    const noise = g.randn([1, 4, h, w]);
    let start: Float32Array;
    // At full strength the start is pure noise, as diffusers does; below it, the noised input.
    if (known && strength < 1) start = s.addNoise(known, noise, timesteps[0]);
    else start = noise.map((v) => v * s.initNoiseSigma);
    const masked = maskedPosterior ? init.encoder.sample(maskedPosterior, g) : g.randn([1, 4, h, w]);
    return { known, noise, start, masked };
  });
  const latents = draws.map((d) => d.start);

  // 5. Denoise: the inpaint model takes the mask as extra channels; a base model gets the known
  //    region put back after every step.
  const denoised = await denoise({
    ...run,
    text,
    timesteps,
    latents,
    hooks,
    ...(model.isInpaint
      ? { extraChannels: draws.map((d) => maskChannels(latentMask, d.masked)) }
      : {
          afterStep: (i: number, s: number, x: Float32Array) =>
            keepKnownRegion(x, latentMask, run.schedulers[i], draws[i], timesteps, s),
        }),
  });

  // 6. Decode to PNGs that carry their parameters, with the unmasked pixels pasted back exactly.
  const images = await decodePictures(run, denoised, {
    postprocess: (rgb) => pasteUnmasked(init.rgb, rgb, mask.soft),
    parameters: {
      'Denoising strength': strength,
      'Mask blur': request.maskOptions?.blur ?? 0,
      // AUTOMATIC1111's name for an inverted mask (its "Inpaint not masked" mask mode).
      ...(request.maskOptions?.invert ? { 'Mask mode': 'Inpaint not masked' } : {}),
    },
  });
  return renderResult(run, 'inpaint', images, [...warnings, ...text.warnings]);
};

/** The mask at the job's size (hard for the model, soft for the paste-back) and at latent size. */
async function loadMask(request: RenderRequest) {
  if (!request.mask) {
    throw new ValidationError([
      { field: 'mask', problem: 'is required for inpaint: attach a mask (white = repaint)' },
    ]);
  }
  const mask = await prepareMask(request.mask, {
    width: request.width,
    height: request.height,
    blur: request.maskOptions?.blur ?? 0,
    invert: request.maskOptions?.invert ?? false,
    threshold: request.maskOptions?.threshold ?? 0.5,
  });
  const warnings = await maskSizeWarnings(request.image as Buffer, request.mask);
  return { mask, latentMask: maskToLatent(mask.hard, request.width, request.height), warnings };
}

/** The 9-channel UNet's extra input: the latent-size mask (1 channel), then the masked picture's latents. */
function maskChannels(latentMask: Float32Array, maskedLatents: Float32Array): Float32Array {
  const plane = latentMask.length;
  const extra = new Float32Array(plane + maskedLatents.length);
  extra.set(latentMask, 0);
  extra.set(maskedLatents, plane);
  return extra;
}

/**
 * Base-model blending after step `s`: outside the mask, the input's latents noised to the level the
 * next step expects (the clean input after the last step); inside, what the model drew.
 */
function keepKnownRegion(
  x: Float32Array,
  latentMask: Float32Array,
  scheduler: Scheduler,
  draw: { known?: Float32Array; noise: Float32Array },
  timesteps: Float32Array,
  s: number,
): Float32Array {
  const input = draw.known as Float32Array;
  const known = s + 1 < timesteps.length ? scheduler.addNoise(input, draw.noise, timesteps[s + 1]) : input;
  const out = new Float32Array(x.length);
  const plane = latentMask.length;
  for (let k = 0; k < out.length; k++) {
    const m = latentMask[k % plane];
    out[k] = known[k] * (1 - m) + x[k] * m;
  }
  return out;
}

/** The input with the repaint region set to 0 (mid grey in [-1,1]): diffusers' image * (mask < 0.5). */
function maskedPicture(tensor: Float32Array, hardMask: Float32Array): Float32Array {
  const plane = hardMask.length;
  const masked = new Float32Array(tensor.length);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) masked[c * plane + p] = hardMask[p] < 0.5 ? tensor[c * plane + p] : 0;
  }
  return masked;
}

/** A mask drawn at another size than the picture still lines up only if it has the same shape: say so. */
async function maskSizeWarnings(image: Buffer, mask: Buffer): Promise<string[]> {
  const [picture, drawn] = await Promise.all([shownSize(image), shownSize(mask)]);
  if (picture.width === drawn.width && picture.height === drawn.height) return [];
  return [
    `the mask is ${drawn.width}x${drawn.height} but the picture is ${picture.width}x${picture.height}: the mask was scaled to cover the picture and centre-cropped`,
  ];
}
