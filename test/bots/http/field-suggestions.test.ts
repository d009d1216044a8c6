// Mistakes in a POST /v1/jobs body are answered in the client's words: an unknown params field with
// the one that was meant, and every problem of the prompt's flags at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';

describe('POST /v1/jobs answers in the words the client used', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ name: 'suggest' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('suggests the params field that was meant', async () => {
    const res = await h.json('/v1/jobs', {
      prompt: 'a fox',
      params: { cfg: 7, negative_prompt: 'blur', sampler_name: 'euler' },
    });
    expect(res.status).toBe(400);
    const { error } = await bodyOf(res);
    expect(error.problems).toEqual(
      expect.arrayContaining([
        { field: 'params.cfg', problem: 'is not a known field (did you mean guidance?)' },
        { field: 'params.negative_prompt', problem: 'is not a known field (did you mean negativePrompt?)' },
        { field: 'params.sampler_name', problem: 'is not a known field (did you mean sampler?)' },
      ]),
    );
  });

  it('tells every problem of the prompt at once, --ar in its own terms', async () => {
    const res = await h.json('/v1/jobs', { prompt: 'a fox --ar 40:1 --steps 500 --sed 3' });
    expect(res.status).toBe(400);
    const problems = (await bodyOf(res)).error.problems.map((p: { problem: string }) => p.problem);
    expect(problems).toEqual([
      expect.stringMatching(/^--ar: "40:1" is too extreme: --ar allows ratios from 1:16 to 16:1/),
      expect.stringContaining('--sed is not a known flag (did you mean --seed?)'),
      '--steps: 500 must be between 1 and 100',
    ]);
  });
});
