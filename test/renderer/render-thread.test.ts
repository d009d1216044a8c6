import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { RenderCancelledError, type RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { RenderHost } from '../../renderer/thread/render-host.ts';
import { testModels } from '../helpers/built-in-models.ts';
import { cornerShare, isBlue, isRed, rgbOf, share } from '../helpers/picture.ts';

let host: RenderHost;
beforeAll(async () => {
  host = new RenderHost({
    modelsDir: await testModels(),
    session: { providers: ['cpu'], threads: 0, graphOptimization: 'all' },
    memoryBudgetBytes: 2 ** 31,
  });
});
afterAll(() => host.close());

const request: RenderRequest = {
  prompt: 'a red circle on a blue sky',
  negativePrompt: '',
  width: 512,
  height: 512,
  steps: 20,
  guidance: 7.5,
  sampler: 'euler_a',
  seed: 1,
  count: 1,
  strength: 1,
};

describe('render thread', () => {
  it('renders off the main thread: timers keep firing between the steps of a render', async () => {
    await host.render('toy', { ...request, steps: 2, width: 64, height: 64 }); // load the model first
    const events: string[] = [];
    const timer = setInterval(() => events.push('tick'), 5);
    const result = await host.render('toy', request, { onProgress: (p) => events.push(`step ${p.step}`) });
    clearInterval(timer);
    const first = events.indexOf('step 1');
    const last = events.indexOf('step 20');
    // The main loop ran its timer many times while the steps were being computed.
    expect(events.slice(first, last).filter((e) => e === 'tick').length).toBeGreaterThan(5);
    const picture = await rgbOf(result.images[0].png);
    expect(share(picture, isRed)).toBeGreaterThan(0.02);
    expect(cornerShare(picture, isBlue)).toBeGreaterThan(0.9);
  });

  it('brings errors back with their type and text', async () => {
    const err = await host.render('nope', request).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe('model: "nope" is not installed; available: toy, toy-inpaint');
  });

  it('cancels a running render between steps', async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const run = host.render('toy', request, {
      signal: controller.signal,
      onProgress: (p) => {
        steps.push(p.step);
        if (p.step === 3) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(RenderCancelledError);
    expect(Math.max(...steps)).toBeLessThan(8);
  });

  it('lists installed and loaded models', async () => {
    expect(await host.models()).toEqual({ available: ['toy', 'toy-inpaint'], loaded: ['toy'] });
  });
});
