import { ValidationError } from '../core/errors.ts';

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
  /** Everything else: the prompt with its chat flags. */
  promptText: string;
}

const CLI_OPTIONS = new Set(['--out', '-o', '--image', '--mask', '--model', '--mask-blur', '--preview-dir']);

export function parseRenderArgs(argv: readonly string[]): RenderArgs {
  const args: RenderArgs = { out: 'out.png', invertMask: false, promptText: '' };
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
    if (!CLI_OPTIONS.has(name)) {
      rest.push(a);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--'))
      throw new ValidationError([{ field: name, problem: 'needs a value' }]);
    if (name === '--out' || name === '-o') args.out = value;
    else if (name === '--image') args.image = value;
    else if (name === '--mask') args.mask = value;
    else if (name === '--model') args.model = value;
    else if (name === '--preview-dir') args.previewDir = value;
    else {
      const blur = Number(value);
      if (!Number.isInteger(blur) || blur < 0)
        throw new ValidationError([
          { field: '--mask-blur', value, problem: 'must be a whole number of pixels' },
        ]);
      args.maskBlur = blur;
    }
  }
  args.promptText = rest.join(' ');
  return args;
}
