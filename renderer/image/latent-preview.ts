// A cheap look at the picture while it is being denoised: each latent pixel mapped to RGB by a fixed
// linear fit of the VAE decoder, then scaled up. Costs microseconds where a VAE decode costs seconds.
import sharp from 'sharp';

/**
 * Stable Diffusion 1.x factors (rows: latent channels 1-4; columns: R, G, B), the fit ComfyUI ships
 * for SD 1.5, applied to the latents the UNet sees (already multiplied by the VAE scaling factor).
 */
export const SD15_LATENT_RGB_FACTORS: readonly (readonly number[])[] = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
];
/** That fit has no offset; other models' fits (SDXL, SD3) do. */
export const SD15_LATENT_RGB_BIAS: readonly number[] = [0, 0, 0];

export interface LatentPreviewOptions {
  /** channels x 3 matrix; the built-in toy model passes its own VAE's map. */
  factors?: readonly (readonly number[])[];
  /** Added to R, G, B before mapping [-1, 1] to [0, 255]. */
  bias?: readonly number[];
  /** Size of the preview; 8x the latent (the picture's size) by default. */
  width?: number;
  height?: number;
  /** JPEG quality. */
  quality?: number;
}

/** RGB bytes (latentW x latentH) for picture `batchIndex` of [B, C, latentH, latentW] latents. */
export function latentToRgb(
  latents: Float32Array,
  batchIndex: number,
  latentW: number,
  latentH: number,
  factors: readonly (readonly number[])[] = SD15_LATENT_RGB_FACTORS,
  bias: readonly number[] = SD15_LATENT_RGB_BIAS,
): Buffer {
  const channels = factors.length;
  const plane = latentW * latentH;
  const offset = batchIndex * channels * plane;
  if (factors.some((row) => row.length !== 3) || bias.length !== 3) {
    throw new Error('latent preview factors must be channels x 3 and bias must have 3 values');
  }
  if (!Number.isInteger(batchIndex) || batchIndex < 0 || offset + channels * plane > latents.length) {
    throw new Error(`latent preview: picture ${batchIndex} is outside latents of ${latents.length} values`);
  }
  const rgb = Buffer.allocUnsafe(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) {
      let v = bias[k];
      for (let c = 0; c < channels; c++) v += latents[offset + c * plane + i] * factors[c][k];
      const unit = (v + 1) / 2;
      rgb[i * 3 + k] = unit > 0 ? Math.round(Math.min(unit, 1) * 255) : 0;
    }
  }
  return rgb;
}

/** The preview as a JPEG. */
export async function latentPreview(
  latents: Float32Array,
  batchIndex: number,
  latentW: number,
  latentH: number,
  opts: LatentPreviewOptions = {},
): Promise<Buffer> {
  const rgb = latentToRgb(latents, batchIndex, latentW, latentH, opts.factors, opts.bias);
  const width = opts.width ?? latentW * 8;
  const height = opts.height ?? latentH * 8;
  return sharp(rgb, { raw: { width: latentW, height: latentH, channels: 3 } })
    .resize({ width, height, fit: 'fill', kernel: 'linear' })
    .jpeg({ quality: opts.quality ?? 80 })
    .toBuffer();
}
