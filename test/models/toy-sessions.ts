// Runs the parts of a generated model folder directly on onnxruntime-node sessions, with the few
// lines of DDIM arithmetic written out here, so these tests check the models themselves and not the
// renderer's pipelines.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { ClipTokenizer } from '../../renderer/tokenizer/clip-tokenizer.ts';

export interface ToySessions {
  dir: string;
  tokenizer: ClipTokenizer;
  textEncoder: ort.InferenceSession;
  unet: ort.InferenceSession;
  vaeEncoder: ort.InferenceSession;
  vaeDecoder: ort.InferenceSession;
  scalingFactor: number;
}

export async function openToy(dir: string): Promise<ToySessions> {
  const open = (part: string) =>
    ort.InferenceSession.create(path.join(dir, part, 'model.onnx'), { intraOpNumThreads: 2 });
  const vaeConfig = JSON.parse(readFileSync(path.join(dir, 'vae_decoder', 'config.json'), 'utf8')) as {
    scaling_factor: number;
  };
  return {
    dir,
    tokenizer: await ClipTokenizer.fromFolder(path.join(dir, 'tokenizer')),
    textEncoder: await open('text_encoder'),
    unet: await open('unet'),
    vaeEncoder: await open('vae_encoder'),
    vaeDecoder: await open('vae_decoder'),
    scalingFactor: vaeConfig.scaling_factor,
  };
}

/** The folder's alphas_cumprod, computed here from its scheduler config's numbers (scaled_linear). */
export function alphasCumprodOf(dir: string): Float64Array {
  const config = JSON.parse(readFileSync(path.join(dir, 'scheduler', 'scheduler_config.json'), 'utf8')) as {
    beta_schedule: string;
    beta_start: number;
    beta_end: number;
  };
  if (config.beta_schedule !== 'scaled_linear') throw new Error(`not scaled_linear: ${config.beta_schedule}`);
  const out = new Float64Array(1000);
  const from = Math.sqrt(config.beta_start);
  const to = Math.sqrt(config.beta_end);
  let product = 1;
  for (let i = 0; i < 1000; i++) {
    const beta = (from + ((to - from) * i) / 999) ** 2;
    product *= 1 - beta;
    out[i] = product;
  }
  return out;
}

/** Seeded standard normal values (mulberry32 + Box-Muller); any fixed generator will do here. */
export function gaussian(seed: number, count: number): Float32Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const a = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(a);
    if (i + 1 < count) out[i + 1] = r * Math.sin(a);
  }
  return out;
}

/** Token states [77, D] of one prompt. */
export async function encodePrompt(toy: ToySessions, prompt: string): Promise<Float32Array> {
  const ids = toy.tokenizer.encode(prompt).ids;
  const out = await toy.textEncoder.run({ input_ids: new ort.Tensor('int32', ids, [1, ids.length]) });
  return out.last_hidden_state.data as Float32Array;
}

export interface DenoiseRequest {
  prompt: string;
  seed: number;
  latentSize: number;
  steps?: number;
  guidance?: number;
  /** For a 9-channel UNet: the latent mask [1, h, w] (1 = repaint) and the masked picture's latents. */
  inpaint?: { mask: Float32Array; maskedLatents: Float32Array };
}

/** DDIM (eta 0, leading spacing, steps offset 1) with classifier-free guidance; returns scaled latents. */
export async function denoise(toy: ToySessions, request: DenoiseRequest): Promise<Float32Array> {
  const { latentSize: h, steps = 10, guidance = 7.5 } = request;
  const plane = h * h;
  const n = 4 * plane;
  const alphas = alphasCumprodOf(toy.dir);
  const uncond = await encodePrompt(toy, '');
  const cond = await encodePrompt(toy, request.prompt);
  const context = new Float32Array(uncond.length * 2);
  context.set(uncond);
  context.set(cond, uncond.length);
  const width = uncond.length / 77;
  let x = gaussian(request.seed, n);
  const ratio = Math.floor(1000 / steps);
  for (let i = 0; i < steps; i++) {
    const t = (steps - 1 - i) * ratio + 1;
    const channels = request.inpaint ? 9 : 4;
    const sample = new Float32Array(2 * channels * plane);
    for (let b = 0; b < 2; b++) {
      const at = b * channels * plane;
      sample.set(x, at);
      if (request.inpaint) {
        sample.set(request.inpaint.mask, at + n);
        sample.set(request.inpaint.maskedLatents, at + n + plane);
      }
    }
    const out = await toy.unet.run({
      sample: new ort.Tensor('float32', sample, [2, channels, h, h]),
      timestep: new ort.Tensor('float32', Float32Array.of(t), [1]),
      encoder_hidden_states: new ort.Tensor('float32', context, [2, 77, width]),
    });
    const eps = out.out_sample.data as Float32Array;
    const a = alphas[t];
    const aPrev = t - ratio >= 0 ? alphas[t - ratio] : alphas[0];
    const next = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      const e = eps[j] + guidance * (eps[n + j] - eps[j]);
      const x0 = (x[j] - Math.sqrt(1 - a) * e) / Math.sqrt(a);
      next[j] = Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * e;
    }
    x = next;
  }
  return x;
}

export interface Picture {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** Scaled latents [4, h, h] to RGB bytes through the VAE decoder (divided by the scaling factor first). */
export async function decode(toy: ToySessions, latents: Float32Array, h: number): Promise<Picture> {
  const unscaled = latents.map((v) => v / toy.scalingFactor);
  const out = await toy.vaeDecoder.run({ latent_sample: new ort.Tensor('float32', unscaled, [1, 4, h, h]) });
  const [, , height, width] = out.sample.dims;
  const data = out.sample.data as Float32Array;
  const rgb = new Uint8Array(width * height * 3);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < width * height; i++)
      rgb[i * 3 + c] = Math.max(0, Math.min(255, Math.round((data[c * width * height + i] + 1) * 127.5)));
  return { rgb, width, height };
}

/** RGB bytes to scaled latents [4, H/8, W/8] through the VAE encoder. */
export async function encode(toy: ToySessions, picture: Picture): Promise<Float32Array> {
  const { width, height, rgb } = picture;
  const planar = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < width * height; i++) planar[c * width * height + i] = rgb[i * 3 + c] / 127.5 - 1;
  const out = await toy.vaeEncoder.run({ sample: new ort.Tensor('float32', planar, [1, 3, height, width]) });
  return (out.latent_sample.data as Float32Array).map((v) => v * toy.scalingFactor);
}

/** Mean colour of a box of the picture. */
export function meanColour(p: Picture, x0: number, y0: number, x1: number, y1: number): number[] {
  const sum = [0, 0, 0];
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum[c] += p.rgb[(y * p.width + x) * 3 + c];
  return sum.map((v) => v / ((x1 - x0) * (y1 - y0)));
}

/** Mean colours of the four corner boxes (a sixteenth of the side). */
export function cornerColours(p: Picture): number[][] {
  const k = p.width >> 4;
  return [
    meanColour(p, 0, 0, k, k),
    meanColour(p, p.width - k, 0, p.width, k),
    meanColour(p, 0, p.height - k, k, p.height),
    meanColour(p, p.width - k, p.height - k, p.width, p.height),
  ];
}

export const looksRed = ([r, g, b]: number[]) => r > 170 && r > g + 90 && r > b + 90;
export const looksBlue = ([r, g, b]: number[]) => b > 180 && b > r + 50 && b > g + 20;
export const looksYellow = ([r, g, b]: number[]) => r > 200 && g > 170 && b < 110;
export const looksGreen = ([r, g, b]: number[]) => g > r + 40 && g > b + 40;

/** Saves a picture under var/test-pictures/models (not committed) for a person to look at. */
export async function savePicture(p: Picture, name: string): Promise<void> {
  const dir = path.join('var', 'test-pictures', 'models');
  mkdirSync(dir, { recursive: true });
  await sharp(Buffer.from(p.rgb), { raw: { width: p.width, height: p.height, channels: 3 } })
    .png()
    .toFile(path.join(dir, `${name}.png`));
}
