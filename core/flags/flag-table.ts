// The prompt flags every surface understands, Midjourney style.
import { MOTIONS, type Motion, SAMPLERS, type Sampler } from '../job/limits.ts';

export type FlagName =
  | 'ar'
  | 'seed'
  | 'no'
  | 'steps'
  | 'cfg'
  | 'sampler'
  | 'n'
  | 'strength'
  | 'size'
  | 'model'
  | 'frames'
  | 'fps'
  | 'motion'
  | 'strength-schedule'
  | 'morph-seed'
  | 'lora'
  | 'vae';

export const FLAG_NAMES: readonly FlagName[] = [
  'ar',
  'seed',
  'no',
  'steps',
  'cfg',
  'sampler',
  'n',
  'strength',
  'size',
  'model',
  'frames',
  'fps',
  'motion',
  'strength-schedule',
  'morph-seed',
  'lora',
  'vae',
];

/** Other spellings people bring from other tools. */
export const FLAG_ALIASES: Record<string, FlagName> = {
  aspect: 'ar',
  count: 'n',
  guidance: 'cfg',
  negative: 'no',
};

export const FLAG_EXAMPLES: Record<FlagName, string> = {
  ar: '--ar 16:9',
  seed: '--seed 42',
  no: '--no blur, text',
  steps: '--steps 30',
  cfg: '--cfg 7.5',
  sampler: '--sampler euler_a',
  n: '--n 4',
  strength: '--strength 0.6',
  size: '--size 768x512',
  model: '--model toy',
  frames: '--frames 16',
  fps: '--fps 8',
  motion: '--motion zoom-in:0.5+pan-left',
  'strength-schedule': '--strength-schedule 0:0.55,24:0.4',
  'morph-seed': '--morph-seed 43',
  lora: '--lora my-style:0.8',
  vae: '--vae sd-vae-ft-mse',
};

/** Sampler spellings from A1111, ComfyUI and diffusers, mapped to ours. */
const SAMPLER_ALIASES: Record<string, Sampler> = {
  euler_ancestral: 'euler_a',
  k_euler_a: 'euler_a',
  k_euler: 'euler',
  plms: 'pndm',
  dpm2m: 'dpmpp_2m',
  dpmpp2m: 'dpmpp_2m',
  dpmpp_2m_k: 'dpmpp_2m_karras',
  k_lms: 'lms',
};

export function normaliseSampler(text: string): Sampler | undefined {
  const key = text
    .toLowerCase()
    .replace(/\+\+/g, 'pp')
    .replace(/[\s-]+/g, '_')
    .replace(/^euler_a(ncestral)?$/, 'euler_a');
  if ((SAMPLERS as readonly string[]).includes(key)) return key as Sampler;
  return SAMPLER_ALIASES[key];
}

export function normaliseMotion(text: string): Motion | undefined {
  const key = text.toLowerCase().replace(/[\s_]+/g, '-');
  return (MOTIONS as readonly string[]).includes(key) ? (key as Motion) : undefined;
}
