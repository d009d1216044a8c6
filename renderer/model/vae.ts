// The VAE halves: pictures to scaled latents and back. Scaling by `scaling_factor` happens here so
// pipelines only ever see the latent space the UNet works in.

import { floatTensor, readFloats, type TensorSpec } from '../onnx/tensor-io.ts';
import type { TimedSession } from '../onnx/timed-session.ts';
import type { NoiseSource } from '../schedulers/scheduler.ts';
import { ModelFolderError } from './model-folder-error.ts';

/** The VAE's posterior of one encode, unscaled, [B,4,h,w] each. */
export interface Posterior {
  mean: Float32Array;
  /** Absent when the encoder only gives one latent (a deterministic `latent_sample`). */
  logvar?: Float32Array;
  dims: readonly [number, number, number, number];
}

export class VaeEncoder {
  private readonly input: TensorSpec;
  private readonly outName: string;
  /** `latent_parameters` holds mean and log-variance (8 channels). */
  private readonly moments: boolean;

  constructor(
    private readonly session: TimedSession,
    private readonly scalingFactor: number,
  ) {
    const input = session.input('sample') ?? session.inputs[0];
    if (!input) throw new ModelFolderError(session.file, 'expected an input "sample"');
    this.input = input;
    const out =
      session.outputs.find((o) => o.name === 'latent_sample' || o.name === 'latent_parameters') ??
      session.outputs[0];
    this.outName = out.name;
    this.moments = out.name === 'latent_parameters';
  }

  /** Pictures [B,3,H,W] in [-1,1] to the posterior's mean and log-variance. */
  async posterior(pixels: Float32Array, dims: readonly [number, number, number, number]): Promise<Posterior> {
    const out = await this.session.run({ [this.input.name]: floatTensor(this.input, pixels, dims) });
    const tensor = out[this.outName];
    const raw = readFloats(tensor);
    const [b, c, h, w] = tensor.dims;
    const keep = this.moments ? c / 2 : c;
    const plane = h * w;
    const mean = new Float32Array(b * keep * plane);
    const logvar = this.moments ? new Float32Array(b * keep * plane) : undefined;
    for (let i = 0; i < b; i++) {
      mean.set(raw.subarray(i * c * plane, (i * c + keep) * plane), i * keep * plane);
      logvar?.set(raw.subarray((i * c + keep) * plane, (i + 1) * c * plane), i * keep * plane);
    }
    return { mean, logvar, dims: [b, keep, h, w] };
  }

  /**
   * diffusers' `latent_dist.sample(generator)` times the scaling factor: mean + std * randn, drawn from
   * `rng`. The draw is made also when the encoder gave no log-variance, so what `rng` draws next is what
   * diffusers draws next.
   */
  sample(posterior: Posterior, rng: NoiseSource): Float32Array {
    const noise = rng.randn(posterior.dims);
    const out = new Float32Array(posterior.mean.length);
    for (let k = 0; k < out.length; k++) {
      const logvar = posterior.logvar ? Math.min(20, Math.max(-30, posterior.logvar[k])) : undefined;
      const x =
        logvar === undefined ? posterior.mean[k] : posterior.mean[k] + Math.exp(0.5 * logvar) * noise[k];
      out[k] = x * this.scalingFactor;
    }
    return out;
  }

  /** Pictures [B,3,H,W] in [-1,1] to scaled latents [B,4,H/8,W/8] (the posterior's mode). */
  async encode(pixels: Float32Array, dims: readonly [number, number, number, number]): Promise<Float32Array> {
    const out = await this.session.run({ [this.input.name]: floatTensor(this.input, pixels, dims) });
    const tensor = out[this.outName];
    const raw = readFloats(tensor);
    const [b, c, h, w] = tensor.dims;
    const keep = this.moments ? c / 2 : c;
    const plane = h * w;
    const result = new Float32Array(b * keep * plane);
    for (let i = 0; i < b; i++) {
      for (let ch = 0; ch < keep; ch++) {
        const src = (i * c + ch) * plane;
        const dst = (i * keep + ch) * plane;
        for (let p = 0; p < plane; p++) result[dst + p] = raw[src + p] * this.scalingFactor;
      }
    }
    return result;
  }
}

/** Opens a float32 copy of a float16 decoder, for decodes that overflow in float16. */
export type Float32Decoder = () => Promise<TimedSession>;

export class VaeDecoder {
  private readonly input: TensorSpec;
  private readonly outName: string;
  /** Set on the first overflow; every later decode uses the float32 copy. */
  private widened?: Promise<TimedSession>;

  constructor(
    private readonly session: TimedSession,
    private readonly scalingFactor: number,
    private readonly float32?: Float32Decoder,
  ) {
    const input = session.input('latent_sample') ?? session.inputs[0];
    if (!input) throw new ModelFolderError(session.file, 'expected an input "latent_sample"');
    this.input = input;
    this.outName = session.outputs.find((o) => o.name === 'sample')?.name ?? session.outputs[0].name;
  }

  /** A float16 decoder, which can overflow to NaN/inf. */
  get isFloat16(): boolean {
    return this.input.type === 'float16';
  }

  /**
   * Scaled latents [B,4,h,w] to pictures [B,3,8h,8w] in about [-1,1]. A float16 decoder whose
   * picture comes out non-finite decodes it again in float32, once, with a warning in `warnings`.
   */
  async decode(
    latents: Float32Array,
    dims: readonly [number, number, number, number],
    warnings?: string[],
  ): Promise<Float32Array> {
    const unscaled = new Float32Array(latents.length);
    for (let i = 0; i < latents.length; i++) unscaled[i] = latents[i] / this.scalingFactor;
    if (!this.widened) {
      const pixels = await this.runOn(this.session, unscaled, dims);
      if (!this.float32 || !this.isFloat16 || pixels.every(Number.isFinite)) return pixels;
      this.widened = this.float32();
    }
    const warning = `${this.session.file} overflows in float16 (its pictures come out NaN/inf), so they are decoded again in float32; put a VAE decoder exported for fp16 (such as sdxl-vae-fp16-fix) in vae_decoder/ to fix that`;
    if (warnings && !warnings.includes(warning)) warnings.push(warning);
    return this.runOn(await this.widened, unscaled, dims);
  }

  private async runOn(
    session: TimedSession,
    unscaled: Float32Array,
    dims: readonly [number, number, number, number],
  ): Promise<Float32Array> {
    const input = session.input(this.input.name) ?? this.input;
    const out = await session.run({ [input.name]: floatTensor(input, unscaled, dims) });
    return readFloats(out[this.outName]);
  }
}
