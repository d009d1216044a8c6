// Groups a LoRA file's tensors into modules, for kohya/AUTOMATIC1111 keys
// (`lora_unet_<path>.lora_down.weight`, `.lora_up.weight`, `.alpha`; `lora_te_` for the text encoder)
// and diffusers/peft keys (`[unet.]<path>.lora_A.weight`, `.lora_B.weight`,
// `text_encoder.text_model.encoder.layers.N.self_attn.q_proj.lora_A.weight`).
import type { SafeTensor, SafeTensorsFile } from './safetensors.ts';

export type LoraComponent = 'unet' | 'text_encoder';

export interface LoraModule {
  component: LoraComponent;
  /** The module as a match key: `lora_unet_<path with _>`, or `te:<layer>:<leaf>` for the text encoder. */
  target: string;
  /** The key prefix in the file, for messages. */
  key: string;
  down: SafeTensor;
  up: SafeTensor;
  /** alpha / rank (1 when the file has no alpha). */
  scale: number;
}

export interface LoraModules {
  modules: LoraModule[];
  /** Tensors that belong to no complete module. */
  unknown: string[];
}

/** The text encoder module as (layer, leaf): CLIPTextModel and other exports spell the path differently. */
export function textEncoderTarget(path: string): string | undefined {
  const m = /layers[._](\d+)[._](?:.*[._])?(q_proj|k_proj|v_proj|out_proj|fc1|fc2)$/.exec(path);
  return m ? `te:${m[1]}:${m[2]}` : undefined;
}

export function unetTarget(path: string): string {
  return `lora_unet_${path.replaceAll('.', '_')}`;
}

interface Parts {
  down?: SafeTensor;
  up?: SafeTensor;
  alpha?: SafeTensor;
  names: string[];
}

const SUFFIXES: [RegExp, 'down' | 'up' | 'alpha'][] = [
  [/\.lora_down\.weight$/, 'down'],
  [/\.lora_up\.weight$/, 'up'],
  [/\.lora_A(?:\.default)?\.weight$/, 'down'],
  [/\.lora_B(?:\.default)?\.weight$/, 'up'],
  [/\.alpha$/, 'alpha'],
];

function targetOf(prefix: string): { component: LoraComponent; target: string } | undefined {
  if (prefix.startsWith('lora_unet_')) return { component: 'unet', target: prefix };
  if (prefix.startsWith('lora_te_') || prefix.startsWith('lora_te1_')) {
    const target = textEncoderTarget(prefix);
    return target ? { component: 'text_encoder', target } : undefined;
  }
  if (prefix.startsWith('text_encoder.') || prefix.startsWith('text_model.')) {
    const target = textEncoderTarget(prefix);
    return target ? { component: 'text_encoder', target } : undefined;
  }
  const path = prefix.startsWith('unet.') ? prefix.slice('unet.'.length) : prefix;
  if (/^(down_blocks|up_blocks|mid_block|conv_in|conv_out|time_embedding)/.test(path))
    return { component: 'unet', target: unetTarget(path) };
  return undefined;
}

export function loraModules(file: SafeTensorsFile): LoraModules {
  const groups = new Map<string, Parts>();
  const unknown: string[] = [];
  for (const [name, tensor] of file.tensors) {
    const suffix = SUFFIXES.find(([re]) => re.test(name));
    if (!suffix) {
      unknown.push(name);
      continue;
    }
    const prefix = name.replace(suffix[0], '');
    const parts = groups.get(prefix) ?? { names: [] };
    parts[suffix[1]] = tensor;
    parts.names.push(name);
    groups.set(prefix, parts);
  }
  const modules: LoraModule[] = [];
  for (const [prefix, parts] of groups) {
    const where = targetOf(prefix);
    if (!where || !parts.down || !parts.up) {
      unknown.push(...parts.names);
      continue;
    }
    const rank = parts.down.shape[0];
    const alpha = parts.alpha ? parts.alpha.values[0] : rank;
    modules.push({ ...where, key: prefix, down: parts.down, up: parts.up, scale: alpha / rank });
  }
  return { modules, unknown };
}
