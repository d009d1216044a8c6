import { describe, expect, it } from 'vitest';
import {
  type A1111Parameters,
  formatA1111Parameters,
  parseA1111Parameters,
} from '../../../core/a1111/infotext.ts';

const base: A1111Parameters = {
  prompt: 'a lighthouse at dusk, oil painting',
  negativePrompt: 'blurry, lowres',
  steps: 20,
  sampler: 'euler_a',
  guidance: 7.5,
  seed: 1,
  width: 512,
  height: 512,
  model: 'toy',
};

describe('formatA1111Parameters', () => {
  it('writes the exact AUTOMATIC1111 text', () => {
    expect(formatA1111Parameters(base)).toBe(
      'a lighthouse at dusk, oil painting\n' +
        'Negative prompt: blurry, lowres\n' +
        'Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 1, Size: 512x512, Model: toy',
    );
  });

  it('leaves the negative line out when there is none and adds extra fields after Model', () => {
    const text = formatA1111Parameters({
      ...base,
      negativePrompt: '',
      sampler: 'dpmpp_2m_karras',
      guidance: 7,
      seed: 4294967295,
      width: 768,
      height: 512,
      extra: { 'Denoising strength': 0.75, 'Mask blur': 4 },
    });
    expect(text).toBe(
      'a lighthouse at dusk, oil painting\n' +
        'Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 4294967295, Size: 768x512, Model: toy, ' +
        'Denoising strength: 0.75, Mask blur: 4',
    );
  });

  it('names every sampler as AUTOMATIC1111 does', () => {
    const names = (
      ['ddim', 'pndm', 'euler', 'euler_a', 'dpmpp_2m', 'dpmpp_2m_karras', 'lms', 'lcm'] as const
    ).map((sampler) => /Sampler: ([^,]+),/.exec(formatA1111Parameters({ ...base, sampler }))?.[1]);
    expect(names).toEqual(['DDIM', 'PLMS', 'Euler', 'Euler a', 'DPM++ 2M', 'DPM++ 2M Karras', 'LMS', 'LCM']);
  });

  it('quotes values holding a comma, colon or newline as JSON', () => {
    const text = formatA1111Parameters({ ...base, model: 'sd-1.5: pruned, ema', extra: { Note: 'a "b"' } });
    expect(text.split('\n')[2]).toBe(
      'Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 1, Size: 512x512, Model: "sd-1.5: pruned, ema", Note: a "b"',
    );
  });

  it('refuses extra field names the format cannot carry', () => {
    expect(() => formatA1111Parameters({ ...base, extra: { 'a:b': 1 } })).toThrow(/bad infotext field/);
    expect(() => formatA1111Parameters({ ...base, extra: { Seed: 2 } })).toThrow(/bad infotext field/);
  });
});

describe('parseA1111Parameters', () => {
  it('reads back what formatA1111Parameters writes', () => {
    const cases: A1111Parameters[] = [
      base,
      { ...base, negativePrompt: '', sampler: 'lcm', guidance: 1.5, steps: 4 },
      {
        ...base,
        prompt: 'line one\nline two, with: colon',
        negativePrompt: 'neg one\nneg two',
        sampler: 'pndm',
        model: 'my, model: v2',
        extra: { 'Denoising strength': '0.6', 'Mask blur': '4' },
      },
      { ...base, prompt: '夜の猫 🐈', sampler: 'dpmpp_2m_karras', width: 640, height: 384 },
    ];
    for (const p of cases) {
      const parsed = parseA1111Parameters(formatA1111Parameters(p));
      expect(parsed).toEqual({
        prompt: p.prompt,
        negativePrompt: p.negativePrompt,
        steps: p.steps,
        sampler: p.sampler,
        samplerName: expect.any(String),
        guidance: p.guidance,
        seed: p.seed,
        width: p.width,
        height: p.height,
        model: p.model,
        extra: p.extra ?? {},
      });
      expect(formatA1111Parameters({ ...p, ...parsed } as A1111Parameters)).toBe(formatA1111Parameters(p));
    }
  });

  it('reads a text written by AUTOMATIC1111 1.9+, with the schedule apart', () => {
    const parsed = parseA1111Parameters(
      'masterpiece, 1girl\nNegative prompt: worst quality\n' +
        'Steps: 25, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 12345, Size: 512x768, ' +
        'Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1',
    );
    expect(parsed).toEqual({
      prompt: 'masterpiece, 1girl',
      negativePrompt: 'worst quality',
      steps: 25,
      sampler: 'dpmpp_2m_karras',
      samplerName: 'DPM++ 2M',
      guidance: 6.5,
      seed: 12345,
      width: 512,
      height: 768,
      model: 'v1-5-pruned-emaonly',
      extra: { 'Model hash': '6ce0161689', Version: 'v1.10.1' },
    });
  });

  it('keeps unknown samplers by name and treats a short last line as prompt', () => {
    const parsed = parseA1111Parameters('a cat\nSteps: 10, Sampler: Restart, CFG scale: 5');
    expect(parsed.sampler).toBeUndefined();
    expect(parsed.samplerName).toBe('Restart');
    expect(parseA1111Parameters('a cat\nby: someone')).toEqual({
      prompt: 'a cat\nby: someone',
      negativePrompt: '',
      extra: {},
    });
  });
});
