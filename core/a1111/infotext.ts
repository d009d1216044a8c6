// The generation text AUTOMATIC1111 stores in a picture's `parameters` (its "infotext"), written and read
// the way its create_infotext and parse_generation_parameters do, so its PNG Info tab and the tools built
// on that format show our pictures' prompt, seed and settings.
import type { Sampler } from '../job/limits.ts';
import { A1111_SAMPLER_NAMES, samplerFromA1111 } from './sampler-names.ts';

export interface A1111Parameters {
  prompt: string;
  negativePrompt: string;
  steps: number;
  sampler: Sampler;
  guidance: number;
  seed: number;
  width: number;
  height: number;
  model: string;
  /** More `Key: value` fields, written after Model in this order (e.g. `Denoising strength`). */
  extra?: Record<string, string | number>;
}

/** What could be read back; fields missing or unreadable in the text are absent. */
export interface ParsedA1111Parameters {
  prompt: string;
  negativePrompt: string;
  steps?: number;
  sampler?: Sampler;
  /** The sampler as written, also when it is not one of ours. */
  samplerName?: string;
  guidance?: number;
  seed?: number;
  width?: number;
  height?: number;
  model?: string;
  /** The other fields of the settings line, unquoted, in order. */
  extra: Record<string, string>;
}

/** A field name its parser accepts: a word character, then at least one of word, space, - or /. */
const KEY = /^\w[\w \-/]+$/;
/** One `Key: value` of the settings line; a value with , : or a newline is a JSON string. */
const FIELD = /\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g;
const SIZE = /^(\d+)x(\d+)$/;
const NEGATIVE = 'Negative prompt:';
const BASE_KEYS = ['Steps', 'Sampler', 'CFG scale', 'Seed', 'Size', 'Model'];

/** Python's json.dumps(..., ensure_ascii=False) for values that would break the line, as A1111 quotes. */
function quote(value: string): string {
  return /[,\n:]/.test(value) ? JSON.stringify(value) : value;
}

/**
 * Line 1 the prompt, line 2 `Negative prompt: ...` (left out when there is none), then the settings:
 * `Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 1, Size: 512x512, Model: toy`. Numbers are
 * written in their shortest form (7, not 7.0), as in AUTOMATIC1111's own examples.
 */
export function formatA1111Parameters(p: A1111Parameters): string {
  const fields: [string, string | number][] = [
    ['Steps', p.steps],
    ['Sampler', A1111_SAMPLER_NAMES[p.sampler]],
    ['CFG scale', p.guidance],
    ['Seed', p.seed],
    ['Size', `${p.width}x${p.height}`],
    ['Model', p.model],
  ];
  for (const [key, value] of Object.entries(p.extra ?? {})) {
    if (!KEY.test(key) || BASE_KEYS.includes(key))
      throw new Error(`bad infotext field name ${JSON.stringify(key)}`);
    fields.push([key, value]);
  }
  const settings = fields.map(([k, v]) => `${k}: ${quote(String(v))}`).join(', ');
  const negative = p.negativePrompt ? `\n${NEGATIVE} ${p.negativePrompt}` : '';
  return `${p.prompt}${negative}\n${settings}`.trim();
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

function integer(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * An infotext split as A1111 splits it: prompt lines before `Negative prompt:`, negative lines after
 * it, and the `Key: value` fields of the settings line in order, values unquoted.
 */
export function splitA1111Infotext(text: string): {
  prompt: string;
  negativePrompt: string;
  fields: [key: string, value: string][];
} {
  const lines = text.trim().split('\n');
  let settings = lines.pop() ?? '';
  // A last line with fewer than three fields is still prompt text, as in A1111.
  if ([...settings.matchAll(FIELD)].length < 3) {
    lines.push(settings);
    settings = '';
  }
  const prompt: string[] = [];
  const negative: string[] = [];
  let inNegative = false;
  for (const raw of lines) {
    let line = raw.trim();
    if (line.startsWith(NEGATIVE)) {
      inNegative = true;
      line = line.slice(NEGATIVE.length).trim();
    }
    (inNegative ? negative : prompt).push(line);
  }
  const fields = [...settings.matchAll(FIELD)].map(([, key, value]): [string, string] => [
    key,
    unquote(value),
  ]);
  return { prompt: prompt.join('\n'), negativePrompt: negative.join('\n'), fields };
}

/** Reads an infotext back into our parameters. */
export function parseA1111Parameters(text: string): ParsedA1111Parameters {
  const split = splitA1111Infotext(text);
  const fields = new Map(split.fields);

  const out: ParsedA1111Parameters = {
    prompt: split.prompt,
    negativePrompt: split.negativePrompt,
    extra: {},
  };
  const consumed = new Set(BASE_KEYS);
  const steps = integer(fields.get('Steps'));
  if (steps !== undefined) out.steps = steps;
  const seed = integer(fields.get('Seed'));
  if (seed !== undefined) out.seed = seed;
  const cfg = fields.get('CFG scale');
  if (cfg !== undefined && cfg.trim() !== '' && Number.isFinite(Number(cfg))) out.guidance = Number(cfg);
  const size = SIZE.exec(fields.get('Size') ?? '');
  if (size) {
    out.width = Number(size[1]);
    out.height = Number(size[2]);
  }
  const model = fields.get('Model');
  if (model !== undefined) out.model = model;
  const samplerName = fields.get('Sampler');
  if (samplerName !== undefined) {
    out.samplerName = samplerName;
    const schedule = fields.get('Schedule type');
    const sampler = samplerFromA1111(samplerName, schedule);
    if (sampler) {
      out.sampler = sampler;
      // The schedule was part of the sampler's meaning (DPM++ 2M + Karras): not an extra field then.
      if (schedule !== undefined && sampler !== samplerFromA1111(samplerName)) consumed.add('Schedule type');
    }
  }
  for (const [key, value] of fields) if (!consumed.has(key)) out.extra[key] = value;
  return out;
}
