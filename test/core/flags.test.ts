import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  formatPrompt,
  MOTIONS,
  type ParsedPrompt,
  type ParseOptions,
  parsePrompt,
  SAMPLERS,
  sizeForRatio,
  ValidationError,
} from '../../core/index.ts';

function errorOf(text: string, options: ParseOptions = {}): string {
  try {
    parsePrompt(text, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
  throw new Error(`expected "${text}" to be refused`);
}

describe('prompt flags', () => {
  it('reads every flag', () => {
    const parsed = parsePrompt(
      'a fox --seed 7 --steps 30 --cfg 4.5 --sampler dpmpp_2m_karras --n 2 --strength 0.35 --model sd15 in the snow --frames 24 --fps 12 --motion zoom-in --no blur, text',
      { video: true },
    );
    expect(parsed).toEqual({
      prompt: 'a fox in the snow',
      params: {
        seed: 7,
        steps: 30,
        guidance: 4.5,
        sampler: 'dpmpp_2m_karras',
        count: 2,
        strength: 0.35,
        model: 'sd15',
        video: { frames: 24, fps: 12, motion: 'zoom-in' },
        negativePrompt: 'blur, text',
      },
    });
  });

  it('maps --ar to multiples of 8 within the pixel budget', () => {
    expect(parsePrompt('x --ar 16:9').params).toMatchObject({ width: 680, height: 384 });
    expect(parsePrompt('x --ar 1:1').params).toMatchObject({ width: 512, height: 512 });
    expect(parsePrompt('x --ar 2:3').params).toMatchObject({ width: 416, height: 624 });
    expect(parsePrompt('x --ar 9:16').params).toMatchObject({ width: 384, height: 680 });
    expect(parsePrompt('x --ar 16:9', { budgetPixels: 1024 * 1024 }).params).toMatchObject({
      width: 1360,
      height: 768,
    });
    expect(parsePrompt('x --ar 16:9').aspectRatio).toBe('16:9');
  });

  it('reads --size, --seed=N, em dashes, aliases and case', () => {
    expect(parsePrompt('x --size 768x512').params).toEqual({ width: 768, height: 512 });
    expect(parsePrompt('x --seed=9').params).toEqual({ seed: 9 });
    expect(parsePrompt('x —ar 3:2').params).toEqual({ width: 624, height: 416, aspectRatio: '3:2' });
    expect(parsePrompt('x --AR 1:1 --Guidance 3 --count 3').params).toEqual({
      width: 512,
      height: 512,
      aspectRatio: '1:1',
      guidance: 3,
      count: 3,
    });
    expect(parsePrompt('x --sampler Euler-A').params.sampler).toBe('euler_a');
    expect(parsePrompt('x --sampler dpm++_2m').params.sampler).toBe('dpmpp_2m');
    expect(parsePrompt('x --motion "zoom in"', { video: true }).params.video).toEqual({ motion: 'zoom-in' });
  });

  it('lets flags sit anywhere and keeps quoted text intact', () => {
    expect(parsePrompt('--seed 3 a "fox --ar 2:1 in" the   snow --steps 5')).toEqual({
      prompt: 'a "fox --ar 2:1 in" the snow',
      params: { seed: 3, steps: 5 },
    });
    expect(parsePrompt('a “curly --seed 1 quote” here').prompt).toBe('a “curly --seed 1 quote” here');
  });

  it('joins several --no and stops --no at the next flag', () => {
    expect(parsePrompt('cat --no dogs --seed 1 --no birds, fish').params).toEqual({
      seed: 1,
      negativePrompt: 'dogs, birds, fish',
    });
  });

  it('suggests the closest flag for an unknown one', () => {
    expect(errorOf('a fox --sed 7')).toBe(
      'cannot read the prompt: --sed is not a known flag (did you mean --seed?); known flags: --ar --seed --no --steps --cfg --sampler --n --strength --size --model --frames --fps --motion --strength-schedule --morph-seed --lora --vae',
    );
    expect(errorOf('a fox --stesp 7')).toContain('(did you mean --steps?)');
    expect(errorOf('a fox --zzzzzz 7')).not.toContain('did you mean');
  });

  it('explains bad values, naming the flag', () => {
    expect(errorOf('x --seed')).toBe('cannot read the prompt: --seed needs a value, e.g. --seed 42');
    expect(errorOf('x --seed abc')).toBe(
      'cannot read the prompt: --seed: "abc" must be a whole number, e.g. --seed 42',
    );
    expect(errorOf('x --seed 99999999999')).toContain('--seed: 99999999999 must be between 0 and 4294967295');
    expect(errorOf('x --steps 500 --n 9')).toBe(
      'cannot read the prompt: --steps: 500 must be between 1 and 100; --n: 9 must be between 1 and 4',
    );
    expect(errorOf('x --cfg high')).toContain('--cfg: "high" must be a number, e.g. --cfg 7.5');
    expect(errorOf('x --strength 2')).toContain('--strength: 2 must be between 0 and 1');
    expect(errorOf('x --ar wide')).toContain('--ar: "wide" must be a ratio W:H, e.g. --ar 16:9');
    expect(errorOf('x --ar 100:1')).toContain('is too extreme');
    expect(errorOf('x --size big')).toContain('--size: "big" must be WIDTHxHEIGHT, e.g. --size 768x512');
    expect(errorOf('x --size 500x512')).toBe(
      'cannot read the prompt: --size (width): 500 must be a multiple of 8 (try 496 or 504)',
    );
    expect(errorOf('x --size 2048x2048')).toContain('over the limit of 1048576');
    expect(errorOf('x --sampler eulr')).toContain('--sampler: "eulr" is not a sampler (did you mean euler?)');
    expect(errorOf('x --motion spin', { video: true })).toContain('--motion: "spin" is not a motion');
    expect(errorOf('x --frames 100', { video: true })).toContain('--frames: 100 must be between 1 and 48');
    expect(errorOf('x --model ../etc')).toContain('--model: "../etc" must be a model name');
    expect(errorOf('x --ar 1:1 --size 512x512')).toContain(
      '--ar and --size both set the size: use one of them',
    );
    expect(errorOf('x --seed 1 --seed 2')).toContain('--seed: "2" is given twice (first 1): keep one');
  });

  it('honours configured limits', () => {
    const limits = { ...DEFAULT_LIMITS, maxSteps: 25 };
    expect(() => parsePrompt('x --steps 26', { limits })).toThrow('--steps: 26 must be between 1 and 25');
  });
});

const word = fc.stringMatching(/^[a-z0-9,.!?']{1,8}$/).filter((w) => !w.startsWith('--'));

const paramsArb = fc.record(
  {
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    steps: fc.integer({ min: 1, max: 100 }),
    guidance: fc.double({ min: 0, max: 30, noNaN: true }).map((g) => Math.round(g * 100) / 100),
    sampler: fc.constantFrom(...SAMPLERS),
    count: fc.integer({ min: 1, max: 4 }),
    strength: fc.integer({ min: 0, max: 100 }).map((s) => s / 100),
    model: fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/),
    negativePrompt: fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
    video: fc.record(
      {
        frames: fc.integer({ min: 1, max: 48 }),
        fps: fc.integer({ min: 1, max: 30 }),
        motion: fc.constantFrom(...MOTIONS),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const sizeArb = fc.oneof(
  fc.constant({}),
  fc
    .record({ width: fc.integer({ min: 8, max: 128 }), height: fc.integer({ min: 8, max: 128 }) })
    .map((s) => ({
      params: { width: s.width * 8, height: s.height * 8 },
    })),
  fc.constantFrom('1:1', '16:9', '9:16', '3:2', '2:3', '4:5', '21:9').map((ar) => ({ aspectRatio: ar })),
);

describe('prompt flags, properties', () => {
  it('format then parse gives the same prompt and params back', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), paramsArb, sizeArb, (words, params, size) => {
        const video = params.video && Object.keys(params.video).length > 0 ? params.video : undefined;
        const p: ParsedPrompt = { prompt: words.join(' '), params: { ...params, video } };
        if (!video) delete p.params.video;
        if ('params' in size) Object.assign(p.params, size.params);
        if ('aspectRatio' in size) {
          p.aspectRatio = size.aspectRatio;
          Object.assign(p.params, parsePrompt(`--ar ${size.aspectRatio}`).params);
        }
        if ((p.params.width ?? 0) * (p.params.height ?? 0) > DEFAULT_LIMITS.maxPixels) return;
        expect(parsePrompt(formatPrompt(p), { video: true })).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  const pieces = fc.constantFrom(
    '--seed',
    '--ar',
    '--no',
    '--size',
    '—steps',
    '--',
    '-',
    '=',
    '"',
    '“',
    '”',
    '16:9',
    '0:0',
    '1e9',
    '-1',
    'NaN',
    '512x512',
    'x',
    ' ',
    '  ',
    '\n',
    'euler',
    '--sampler',
    '--motion',
    '--n',
    '--cfg=',
    '--seed=4',
    'ąć',
    '🦊',
  );

  it('never throws anything but a ValidationError, on any text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 12 }), (parts) => {
        try {
          parsePrompt(parts.join(''));
        } catch (err) {
          expect(err).toBeInstanceOf(ValidationError);
          expect((err as ValidationError).problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('parsing what it formatted is stable for any text it accepts', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, word), { maxLength: 12 }), (parts) => {
        let first: ParsedPrompt;
        try {
          first = parsePrompt(parts.join(' '));
        } catch {
          return;
        }
        expect(parsePrompt(formatPrompt(first))).toEqual(first);
      }),
      { numRuns: 1000 },
    );
  });

  it('aspect ratios give multiples of 8 within budget, close to the ratio', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(512 * 512, 768 * 768, 1024 * 1024),
        (a, b, budget) => {
          const { width, height } = sizeForRatio(a, b, budget);
          expect(width % 8).toBe(0);
          expect(height % 8).toBe(0);
          expect(width * height).toBeLessThanOrEqual(budget);
          // Flooring to 8 px changes each side by less than 8 px.
          expect(Math.abs(width - Math.sqrt((budget * a) / b))).toBeLessThan(8);
          expect(Math.abs(height - Math.sqrt((budget * b) / a))).toBeLessThan(8);
        },
      ),
    );
  });
});
