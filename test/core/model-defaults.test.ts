// A model's own defaults (natural size, a Turbo's steps, guidance and sampler) take the params a
// request left to defaults; what the user typed wins; --ar fits the model's natural area.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/config.ts';
import { parsePrompt } from '../../core/flags/parse.ts';
import { createJob } from '../../core/job/job.ts';
import { DEFAULT_LIMITS } from '../../core/job/limits.ts';
import { type ModelDefaults, withModelDefaults } from '../../core/job/model-defaults.ts';

const SDXL: ModelDefaults = { family: 'sdxl', width: 1024, height: 1024 };
const TURBO: ModelDefaults = {
  family: 'sdxl',
  width: 512,
  height: 512,
  steps: 1,
  guidance: 0,
  sampler: 'euler',
};
const base = { kind: 'imagine', owner: 'key:test', origin: { surface: 'http' } } as const;

function jobOf(text: string) {
  const parsed = parsePrompt(text);
  return createJob({ ...base, params: { prompt: parsed.prompt, ...parsed.params } }, { randomSeed: () => 1 });
}

describe('model defaults', () => {
  it('a job without flags records what it left to defaults, and takes the model natural size', () => {
    const job = jobOf('a fox');
    expect(job.defaulted).toEqual(['size', 'steps', 'guidance', 'sampler']);
    expect([job.params.width, job.params.height]).toEqual([512, 512]);
    const drawn = withModelDefaults(job, SDXL, DEFAULT_LIMITS);
    expect([drawn.params.width, drawn.params.height]).toEqual([1024, 1024]);
    // Steps and the rest stay the server's: this model gives none of its own.
    expect([drawn.params.steps, drawn.params.guidance, drawn.params.sampler]).toEqual([20, 7.5, 'euler_a']);
    // Applying it again changes nothing.
    expect(withModelDefaults(drawn, SDXL, DEFAULT_LIMITS)).toEqual(drawn);
  });

  it('--ar fits the model natural area, --size and other typed flags win over the model', () => {
    const wide = withModelDefaults(jobOf('a fox --ar 16:9'), SDXL, DEFAULT_LIMITS);
    expect([wide.params.width, wide.params.height]).toEqual([1360, 768]);
    expect(wide.params.aspectRatio).toBe('16:9');
    const sized = withModelDefaults(jobOf('a fox --size 640x384 --steps 3'), TURBO, DEFAULT_LIMITS);
    expect([sized.params.width, sized.params.height, sized.params.steps]).toEqual([640, 384, 3]);
    expect([sized.params.guidance, sized.params.sampler]).toEqual([0, 'euler']);
    const cfg = withModelDefaults(jobOf('a fox --cfg 2 --sampler ddim'), TURBO, DEFAULT_LIMITS);
    expect([cfg.params.steps, cfg.params.guidance, cfg.params.sampler]).toEqual([1, 2, 'ddim']);
  });

  it('a natural size over the pixel limit is brought within it, keeping its shape', () => {
    const limits = { ...DEFAULT_LIMITS, maxPixels: 512 * 512 };
    const drawn = withModelDefaults(jobOf('a fox'), SDXL, limits);
    expect([drawn.params.width, drawn.params.height]).toEqual([512, 512]);
    const wide = withModelDefaults(jobOf('a fox --ar 2:1'), { ...SDXL, width: 1536, height: 768 }, limits);
    expect(wide.params.width * wide.params.height).toBeLessThanOrEqual(512 * 512);
    expect(wide.params.width / wide.params.height).toBeCloseTo(2, 1);
  });

  it('an aspect ratio in HTTP params sets the size; with a clashing width it is refused', () => {
    const job = createJob({ ...base, params: { prompt: 'a fox', aspectRatio: '16:9' } });
    expect([job.params.width, job.params.height]).toEqual([680, 384]);
    // The model's area takes the default area's place.
    expect(job.defaulted).toContain('size');
    expect(withModelDefaults(job, SDXL, DEFAULT_LIMITS).params).toMatchObject({ width: 1360, height: 768 });
    expect(() =>
      createJob({ ...base, params: { prompt: 'a fox', aspectRatio: '16:9', width: 512 } }),
    ).toThrow('params.aspectRatio: "16:9" and width/height both set the size: give one of them');
    expect(() => createJob({ ...base, params: { prompt: 'a fox', aspectRatio: 'wide' } })).toThrow(
      'must be a ratio W:H, e.g. 16:9',
    );
  });

  it('defaults the operator set (DEFAULT_WIDTH, DEFAULT_STEPS) hold for every model', () => {
    const config = parseConfig({ DEFAULT_WIDTH: '768', DEFAULT_STEPS: '30' });
    expect(config.defaults.fixed).toEqual(['size', 'steps']);
    expect(parseConfig({}).defaults.fixed).toEqual([]);
    const job = createJob({ ...base, params: { prompt: 'a fox' } }, { defaults: config.defaults });
    expect(job.defaulted).toEqual(['guidance', 'sampler']);
    const drawn = withModelDefaults(job, TURBO, DEFAULT_LIMITS);
    expect([drawn.params.width, drawn.params.height, drawn.params.steps]).toEqual([768, 512, 30]);
    // --ar spreads the operator's default area then, not the model's.
    const parsed = parsePrompt('a fox --ar 2:1', { defaults: config.defaults });
    const wide = createJob(
      { ...base, params: { prompt: parsed.prompt, ...parsed.params } },
      { defaults: config.defaults },
    );
    expect(withModelDefaults(wide, SDXL, DEFAULT_LIMITS).params).toMatchObject({ width: 880, height: 440 });
    expect([drawn.params.guidance, drawn.params.sampler]).toEqual([0, 'euler']);
  });

  it('a surface may leave a param it fills to the model (A1111 default CFG)', () => {
    const job = createJob({ ...base, params: { prompt: 'a fox', guidance: 7 }, defaulted: ['guidance'] });
    expect(job.defaulted).toContain('guidance');
    expect(withModelDefaults(job, TURBO, DEFAULT_LIMITS).params.guidance).toBe(0);
    const typed = createJob({ ...base, params: { prompt: 'a fox', guidance: 7 } });
    expect(withModelDefaults(typed, TURBO, DEFAULT_LIMITS).params.guidance).toBe(7);
  });
});
