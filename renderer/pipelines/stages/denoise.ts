// The denoising loop, shared by every picture pipeline: one UNet call per step for every picture and
// both guidance halves; each picture keeps its own scheduler and generator, so picture i is the same
// as a run of seed + i alone.
import { latentPreview } from '../../image/latent-preview.ts';
import type { LoadedModel } from '../../model/loaded-model.ts';
import { NoiseAhead } from '../../rng/noise-ahead.ts';
import type { TorchGenerator } from '../../rng/torch-generator.ts';
import type { Scheduler } from '../../schedulers/scheduler.ts';
import { RenderCancelledError, type RenderHooks } from '../render-request.ts';
import { sdxlTimeIds } from '../sdxl/time-ids.ts';
import type { EncodedPrompt } from './encode-prompt.ts';

export interface DenoiseInput {
  model: LoadedModel;
  /** One per picture, already set to the run's timesteps. */
  schedulers: Scheduler[];
  timesteps: Float32Array;
  /** One per picture, [1,4,h,w] each. */
  latents: Float32Array[];
  latentSize: { h: number; w: number };
  text: EncodedPrompt;
  guidance: number;
  withGuidance: boolean;
  generators: TorchGenerator[];
  /** Extra UNet input channels per picture (9-channel inpaint: mask and masked-image latents). */
  extraChannels?: Float32Array[];
  /** Runs after each step with the index of the step just taken (base-model inpaint blending). */
  afterStep?: (picture: number, stepIndex: number, latents: Float32Array) => Float32Array;
  hooks?: RenderHooks;
  /** Send a preview of the first picture every this many steps (0 or absent = never). */
  previewEvery?: number;
  /** The pipeline's noise thread feed over `generators`, when it drew the starting latents from it. */
  noise?: NoiseAhead;
}

export async function denoise(input: DenoiseInput): Promise<Float32Array[]> {
  const { model, schedulers, timesteps, latentSize, text, hooks } = input;
  const n = input.latents.length;
  const plane = latentSize.h * latentSize.w;
  const latentLen = 4 * plane;
  const extraLen = input.extraChannels ? input.extraChannels[0].length : 0;
  const perPicture = latentLen + extraLen;
  const halves = input.withGuidance ? 2 : 1;
  const channels = perPicture / plane;
  let latents = input.latents;
  const batch = new Float32Array(halves * n * perPicture);
  // Each step's noise is drawn on another thread during the UNet call (same values, same order).
  const noise = input.noise ?? new NoiseAhead(input.generators);
  // SDXL: pooled embeddings and time ids ride along with every UNet call.
  const added = text.pooled
    ? {
        textEmbeds: text.pooled,
        timeIds: sdxlTimeIds(
          latentSize.h * 8,
          latentSize.w * 8,
          halves * n,
          input.withGuidance ? n : 0,
          model.sdxl?.requiresAestheticsScore ?? false,
        ),
      }
    : undefined;

  for (let s = 0; s < timesteps.length; s++) {
    if (hooks?.signal?.aborted) throw new RenderCancelledError();
    const t = timesteps[s];
    for (let i = 0; i < n; i++) {
      const scaled = schedulers[i].scaleModelInput(latents[i], t);
      for (let h = 0; h < halves; h++) {
        const at = (h * n + i) * perPicture;
        batch.set(scaled, at);
        if (input.extraChannels) batch.set(input.extraChannels[i], at + latentLen);
      }
    }
    noise.drawAhead();
    const eps = await model.unet.predict(
      batch,
      [halves * n, channels, latentSize.h, latentSize.w],
      t,
      text.hidden,
      text.dims,
      added,
    );
    if (hooks?.signal?.aborted) throw new RenderCancelledError();
    const next: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      const cond = eps.subarray(((halves - 1) * n + i) * latentLen, ((halves - 1) * n + i + 1) * latentLen);
      const guided = input.withGuidance
        ? applyGuidance(eps.subarray(i * latentLen, (i + 1) * latentLen), cond, input.guidance)
        : cond;
      let stepped = schedulers[i].step(guided, t, latents[i], noise.source(i));
      if (input.afterStep) stepped = input.afterStep(i, s, stepped);
      next.push(stepped);
    }
    latents = next;
    const every = input.previewEvery ?? 0;
    const step = s + 1;
    // The preview maps latents straight to RGB (no VAE call), so it costs next to nothing.
    const preview =
      every > 0 && step % every === 0 && step < timesteps.length
        ? await latentPreview(latents[0], 0, latentSize.w, latentSize.h)
        : undefined;
    hooks?.onProgress?.({ step, total: timesteps.length, ...(preview ? { preview } : {}) });
  }
  return latents;
}

/**
 * Classifier-free guidance (Ho & Salimans 2022): push the conditional prediction away from the
 * unconditional one by `scale`; scale 1 is the conditional prediction itself.
 */
export function applyGuidance(uncond: Float32Array, cond: Float32Array, scale: number): Float32Array {
  if (uncond.length !== cond.length) {
    throw new Error(`guidance: unconditional has ${uncond.length} values, conditional ${cond.length}`);
  }
  const n = cond.length;
  const out = new Float32Array(n);
  // uncond[i] read once: V8 does not merge the two loads, and this loop runs on every step.
  for (let i = 0; i < n; i++) {
    const u = uncond[i];
    out[i] = u + scale * (cond[i] - u);
  }
  return out;
}
