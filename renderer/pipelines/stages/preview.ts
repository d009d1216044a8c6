// Cheap previews during a render: the latents mapped linearly to RGB, no VAE call.
import { latentPreview } from '../../image/latent-preview.ts';

export function previewer(latentSize: { h: number; w: number }): (latents: Float32Array) => Promise<Buffer> {
  return (latents) => latentPreview(latents, 0, latentSize.w, latentSize.h);
}
