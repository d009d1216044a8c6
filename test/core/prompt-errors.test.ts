// Errors in the words the user typed (flags, JSON fields), every problem at once, and nothing a
// user asked for silently ignored: video flags on a picture, a strength with nothing to remix.
import { describe, expect, it } from 'vitest';
import { createJob, parsePrompt, ValidationError } from '../../core/index.ts';

function problemsOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

const base = { kind: 'imagine', owner: 'discord:1', origin: { surface: 'http' } } as const;

describe('prompt flag errors', () => {
  it('--ar out of range says what --ar allows, not what --size does', () => {
    for (const ratio of ['40:1', '1:40']) {
      const err = problemsOf(() => parsePrompt(`a fox --ar ${ratio}`));
      expect(err.problems).toHaveLength(1);
      const [p] = err.problems;
      expect(p.field).toBe('--ar');
      expect(p.value).toBe(ratio);
      expect(p.problem).toMatch(/--ar allows ratios from 1:\d+ to \d+:1/);
      expect(err.message).not.toContain('--size');
    }
    // The largest ratio it names is accepted, one past it is not.
    const most = Number(/to (\d+):1/.exec(problemsOf(() => parsePrompt('x --ar 40:1')).message)?.[1]);
    expect(parsePrompt(`x --ar ${most}:1`).params.width).toBeGreaterThan(0);
    expect(() => parsePrompt(`x --ar ${most + 1}:1`)).toThrow(/--ar allows/);
  });

  it('reports every problem of a prompt at once: typos, bad values and out-of-range values', () => {
    const err = problemsOf(() => parsePrompt('a fox --sed 7 --steps 500 --cfg 99 --sampler eulr --n 9'));
    expect(err.problems.map((p) => p.field)).toEqual(['--sed', '--sampler', '--steps', '--cfg', '--n']);
    expect(err.message).toContain('--sed is not a known flag (did you mean --seed?)');
    expect(err.message).toContain('--steps: 500 must be between 1 and 100');
    expect(err.message).toContain('--cfg: 99 must be between 0 and 30');
  });

  it('suggests the caller’s own flags too', () => {
    const err = problemsOf(() => parsePrompt('a fox --outt x.png', { extraFlags: ['out', 'mask-blur'] }));
    expect(err.message).toContain('--outt is not a known flag (did you mean --out?)');
  });
});

describe('unknown JSON fields', () => {
  it('name the field and suggest the right one', () => {
    const err = problemsOf(() =>
      createJob({ ...base, params: { prompt: 'a fox', cfg: 7, negative_prompt: 'blur', stepz: 3 } }),
    );
    expect(err.problems).toContainEqual({
      field: 'params.cfg',
      problem: 'is not a known field (did you mean guidance?)',
    });
    expect(err.problems).toContainEqual({
      field: 'params.negative_prompt',
      problem: 'is not a known field (did you mean negativePrompt?)',
    });
    expect(err.problems).toContainEqual({
      field: 'params.stepz',
      problem: 'is not a known field (did you mean steps?)',
    });
    const top = problemsOf(() => createJob({ ...base, params: { prompt: 'x' }, prority: 'high' }));
    expect(top.problems).toContainEqual({
      field: 'prority',
      problem: 'is not a known field (did you mean priority?)',
    });
  });
});

describe('nothing accepted is silently ignored', () => {
  it('video flags on a picture are an error that points to animate; on animate they are taken', () => {
    const err = problemsOf(() => parsePrompt('waves --frames 16 --motion zoom-in --fps 8'));
    expect(err.problems.map((p) => p.field)).toEqual(['--frames', '--motion', '--fps']);
    for (const p of err.problems)
      expect(p.problem).toBe('makes a video, which only animate jobs do: remove it, or ask for animate');
    const json = problemsOf(() =>
      createJob({ ...base, params: { prompt: 'waves', video: { frames: 16, motion: 'zoom-in' } } }),
    );
    expect(json.problems).toHaveLength(1);
    expect(json.problems[0].field).toBe('params.video');
    expect(json.problems[0].problem).toBe(
      'makes a video, which only animate jobs do (not imagine): remove it, or ask for animate',
    );
    const animate = createJob({
      ...base,
      kind: 'animate',
      params: { prompt: 'waves', video: { frames: 16, motion: 'zoom-in:0.5+pan-left' } },
    });
    expect(animate.params.video).toMatchObject({ frames: 16, motion: 'zoom-in:0.5+pan-left' });
    expect(
      parsePrompt('waves --frames 16 --motion Zoom_In+pan-left:2', { video: true }).params.video,
    ).toEqual({
      frames: 16,
      motion: 'zoom-in+pan-left:2',
    });
  });

  it('a picture job keeps no video params, so checking it again passes', () => {
    const job = createJob({ ...base, params: { prompt: 'a fox' } });
    expect(job.params.video).toBeUndefined();
    const { id, createdAt, ...request } = job;
    expect(createJob(request, { id }).params).toEqual(job.params);
  });

  it('--strength without a picture gives a warning with the job', () => {
    const job = createJob({ ...base, params: { prompt: 'a fox', strength: 0.4 } });
    expect(job.warnings).toEqual([
      'strength (--strength) only applies to a picture you start from (remix, inpaint): this job has none, so it was not used',
    ]);
    expect(createJob({ ...base, params: { prompt: 'a fox' } }).warnings).toBeUndefined();
    const remix = createJob({
      ...base,
      kind: 'remix',
      params: { prompt: 'a fox', strength: 0.4 },
      inputs: { image: { type: 'artifact', id: 'a' } },
    });
    expect(remix.warnings).toBeUndefined();
  });
});
