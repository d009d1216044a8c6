import { describe, expect, it } from 'vitest';
import { createJob, DEFAULT_LIMITS, ValidationError } from '../../core/index.ts';

const base = { owner: 'discord:42', origin: { surface: 'discord', applicationId: '1', channelId: '2' } };

function errorOf(request: unknown, limits = DEFAULT_LIMITS): ValidationError {
  try {
    createJob(request, { limits });
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('Job schema', () => {
  it('fills every default and records a seed when none is given', () => {
    const job = createJob(
      { ...base, kind: 'imagine', params: { prompt: 'a fox in the snow' } },
      { randomSeed: () => 1234, id: 'job-1', now: new Date('2026-01-02T03:04:05Z') },
    );
    expect(job).toMatchObject({
      id: 'job-1',
      createdAt: '2026-01-02T03:04:05.000Z',
      kind: 'imagine',
      priority: 'normal',
      params: {
        prompt: 'a fox in the snow',
        negativePrompt: '',
        width: 512,
        height: 512,
        steps: 20,
        guidance: 7.5,
        sampler: 'euler_a',
        seed: 1234,
        count: 1,
        strength: 0.6,
        model: 'toy',
        mask: { blur: 4, invert: false },
      },
      inputs: {},
    });
  });

  it('keeps a given seed, including 0 and 2^32-1', () => {
    for (const seed of [0, 2 ** 32 - 1]) {
      const job = createJob(
        { ...base, kind: 'imagine', params: { prompt: 'x', seed } },
        { randomSeed: () => 5 },
      );
      expect(job.params.seed).toBe(seed);
    }
  });

  it('random seeds are whole numbers in range and differ between jobs', () => {
    const seeds = new Set(
      Array.from(
        { length: 20 },
        () => createJob({ ...base, kind: 'imagine', params: { prompt: 'x' } }).params.seed,
      ),
    );
    expect(seeds.size).toBeGreaterThan(15);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s <= 2 ** 32 - 1).toBe(true);
  });

  it('accepts each kind with the inputs it needs, and each surface', () => {
    const image = { type: 'url', url: 'https://example.com/a.png' };
    const mask = { type: 'artifact', id: 'abc_123' };
    expect(
      createJob({ ...base, kind: 'remix', params: { prompt: '' }, inputs: { image } }).params.strength,
    ).toBe(0.6);
    expect(
      createJob({ ...base, kind: 'inpaint', params: { prompt: 'a cat' }, inputs: { image, mask } }).params
        .strength,
    ).toBe(1);
    const tg = createJob({
      kind: 'animate',
      owner: 'telegram:456',
      origin: { surface: 'telegram', chatId: -100123, messageId: 7 },
      params: { prompt: 'waves', video: { frames: 24, motion: 'zoom-in' } },
    });
    expect(tg.params.video).toEqual({ frames: 24, fps: 8, motion: 'zoom-in', format: 'mp4' });
    const http = createJob({
      kind: 'variation',
      owner: 'key:abc',
      origin: { surface: 'http', callbackUrl: 'https://example.com/cb' },
      params: { prompt: '' },
      inputs: { image: { type: 'platform', platform: 'telegram', fileId: 'AgAD' } },
      parent: { jobId: 'j1', index: 2 },
    });
    expect(http.parent).toEqual({ jobId: 'j1', index: 2 });
  });

  it('names field, value and allowed range for each violation', () => {
    const err = errorOf({
      ...base,
      kind: 'imagine',
      params: { prompt: 'x', width: 500, steps: 500, sampler: 'eulr', seed: -1, count: 9, guidance: 99 },
    });
    expect(err.message).toContain('params.width: 500 must be a multiple of 8 (try 496 or 504)');
    expect(err.message).toContain('params.steps: 500 must be between 1 and 100');
    expect(err.message).toContain('params.sampler: "eulr" must be one of ddim, pndm, euler, euler_a');
    expect(err.message).toContain('(did you mean euler?)');
    expect(err.message).toContain('params.seed: -1 must be between 0 and 4294967295');
    expect(err.message).toContain('params.count: 9 must be between 1 and 4');
    expect(err.message).toContain('params.guidance: 99 must be between 0 and 30');
    expect(err.problems.map((p) => p.field)).toEqual([
      'params.width',
      'params.steps',
      'params.guidance',
      'params.sampler',
      'params.seed',
      'params.count',
    ]);
  });

  it('refuses a size over the pixel budget, naming the size', () => {
    const err = errorOf({ ...base, kind: 'imagine', params: { prompt: 'x', width: 2048, height: 2048 } });
    expect(err.message).toContain('params.size: "2048x2048" is 4194304 pixels, over the limit of 1048576');
  });

  it('applies configured limits', () => {
    const limits = { ...DEFAULT_LIMITS, maxSteps: 30, maxPixels: 512 * 512 };
    expect(
      errorOf({ ...base, kind: 'imagine', params: { prompt: 'x', steps: 31 } }, limits).message,
    ).toContain('params.steps: 31 must be between 1 and 30');
    expect(
      errorOf({ ...base, kind: 'imagine', params: { prompt: 'x', width: 768, height: 512 } }, limits).message,
    ).toContain('over the limit of 262144');
  });

  it('asks for the inputs a kind needs', () => {
    expect(errorOf({ ...base, kind: 'inpaint', params: { prompt: 'x' } }).message).toBe(
      'invalid job: inputs.image is required for inpaint: attach a picture; inputs.mask is required for inpaint: attach a mask (white = repaint)',
    );
    expect(errorOf({ ...base, kind: 'imagine', params: { prompt: '  ' } }).message).toBe(
      'invalid job: params.prompt is empty: describe what to draw',
    );
    const mask = { type: 'url', url: 'https://example.com/m.png' };
    expect(
      errorOf({ ...base, kind: 'imagine', params: { prompt: 'x' }, inputs: { mask } }).message,
    ).toContain('inputs.mask is only used by inpaint, not imagine');
  });

  it('refuses unknown kinds, owners, surfaces, fields and bad references', () => {
    const err = errorOf({
      kind: 'inpant',
      owner: 'x',
      origin: { surface: 'mail' },
      params: { prompt: 'a', extra: 1 },
      inputs: { image: { type: 'url', url: 'ftp://a/b.png' } },
    });
    expect(err.message).toContain('kind: "inpant" must be one of imagine, remix, inpaint');
    expect(err.message).toContain('owner: "x" must look like discord:ID, telegram:ID, key:NAME or hook:NAME');
    expect(err.message).toContain('origin.surface: "mail" must name its surface');
    expect(err.message).toContain('params.extra is not a known field');
    expect(err.message).toContain('inputs.image.url: "ftp://a/b.png" must be an http(s) URL');
  });

  it('says which required field is missing', () => {
    expect(errorOf({ kind: 'imagine', origin: { surface: 'http' }, params: {} }).message).toBe(
      'invalid job: owner is required; params.prompt is required',
    );
  });

  it('refuses a prompt longer than the limit', () => {
    const err = errorOf({ ...base, kind: 'imagine', params: { prompt: 'a'.repeat(2001) } });
    expect(err.message).toContain('params.prompt: "aaaa');
    expect(err.message).toContain('must be at most 2000 characters');
  });
});
