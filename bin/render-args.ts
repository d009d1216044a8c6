import type { FieldProblem } from '../core/errors.ts';

// Splits the render CLI's own options (files, model path) from the chat prompt and its flags,
// which go through the same parser as every chat surface.

export interface RenderArgs {
  out: string;
  image?: string;
  mask?: string;
  model?: string;
  maskBlur?: number;
  invertMask: boolean;
  previewDir?: string;
  help: boolean;
  /** Everything else: the prompt with its chat flags. */
  promptText: string;
}

/** The CLI's own flags, without dashes: the prompt parser names them in its did-you-mean answers. */
export const CLI_FLAGS = ['out', 'image', 'mask', 'invert-mask', 'mask-blur', 'preview-dir', 'help'] as const;

const WITH_VALUE = new Set(['--out', '-o', '--image', '--mask', '--model', '--mask-blur', '--preview-dir']);

export const RENDER_USAGE = `usage: npm run render -- "PROMPT" [flags]

Renders a picture (or, with --out clip.mp4 / .webm / .gif, a video) in this process with the same
flags as chat, and prints each picture's seed.

its own flags:
  --out FILE          where to write the picture (out.png; several get -1, -2, ...); a .mp4,
                      .webm or .gif makes a video
  --image FILE        start from this picture (a remix; with --mask, an inpaint)
  --mask FILE         inpaint: white = repaint (scaled to the picture if its size differs)
  --invert-mask       repaint the black part of the mask instead
  --mask-blur N       feather of the repainted edge in pixels
  --model NAME|PATH   a model name under MODELS_DIR, or a model folder
  --preview-dir DIR   write a preview picture every few steps
  --help              this text

prompt flags (see the README): --ar W:H  --size WxH  --seed N  --no WORDS  --steps N  --cfg X
  --sampler NAME  --n N  --strength X  --model NAME
video flags (with a video --out): --frames N  --fps N  --motion zoom-in:0.5+pan-left
  --strength-schedule 0:0.55,24:0.4  --morph-seed N; a prompt schedule "0: a forest | 24: a city"`;

/** Reads the CLI's own options; problems are returned, not thrown, so all of them are told at once. */
export function parseRenderArgs(argv: readonly string[]): { args: RenderArgs; problems: FieldProblem[] } {
  const args: RenderArgs = { out: 'out.png', invertMask: false, help: false, promptText: '' };
  const problems: FieldProblem[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    if (name === '--invert-mask') {
      args.invertMask = true;
      continue;
    }
    if (name === '--help' || name === '-h') {
      args.help = true;
      continue;
    }
    if (!WITH_VALUE.has(name)) {
      rest.push(a);
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined || value.startsWith('--')) {
      problems.push({ field: name, problem: 'needs a value' });
      continue;
    }
    if (inline === undefined) i++;
    if (name === '--out' || name === '-o') args.out = value;
    else if (name === '--image') args.image = value;
    else if (name === '--mask') args.mask = value;
    else if (name === '--model') args.model = value;
    else if (name === '--preview-dir') args.previewDir = value;
    else {
      const blur = Number(value);
      if (!/^\d+$/.test(value) || !Number.isInteger(blur))
        problems.push({ field: '--mask-blur', value, problem: 'must be a whole number of pixels' });
      else args.maskBlur = blur;
    }
  }
  if (args.mask !== undefined && args.image === undefined)
    problems.push({ field: '--mask', problem: 'needs --image too (the picture the mask is drawn over)' });
  args.promptText = rest.join(' ');
  return { args, problems };
}
