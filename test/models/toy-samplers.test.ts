// Every sampler the renderer offers, at 20 and at 10 steps, at the toy's own guidance (its
// imagine.json, what a job without --cfg gets), over a fixed set of prompts and seeds: reads the
// colour at each position and the background of every picture, prints the pass rate per sampler,
// and holds each to 95%. toy-samplers-cfg75.test.ts does the same at CFG 7.5.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelCache } from '../../renderer/model/model-cache.ts';
import { readModelSettings } from '../../renderer/model/model-settings.ts';
import { SAMPLER_NAMES } from '../../renderer/schedulers/registry.ts';
import { testModelCache, testModels } from '../helpers/built-in-models.ts';
import { describeRate, samplerRate } from './toy-sampler-cases.ts';

let cache: ModelCache;
let guidance: number;
beforeAll(async () => {
  guidance = Number(readModelSettings(path.join(await testModels(), 'toy')).guidance);
  cache = await testModelCache();
});

describe("every sampler draws the asked objects and colours at the toy's own guidance", () => {
  let right = 0;
  let rendered = 0;
  it.each(SAMPLER_NAMES)('%s at 20 and 10 steps', async (sampler) => {
    expect(guidance).toBeGreaterThan(1); // with guidance, so negative prompts act
    const rates = [];
    for (const steps of [20, 10]) {
      const rate = await samplerRate(cache, sampler, steps, guidance);
      console.log(`CFG ${guidance}, ${describeRate(sampler, steps, rate)}`);
      right += rate.passed;
      rendered += rate.total;
      rates.push(rate.passed / rate.total);
    }
    if (rendered === 2 * SAMPLER_NAMES.length * 36)
      console.log(`all samplers: ${right}/${rendered} pictures right`);
    expect(rates[0], `${sampler} at 20 steps`).toBeGreaterThanOrEqual(0.95);
    expect(rates[1], `${sampler} at 10 steps`).toBeGreaterThanOrEqual(0.95);
  });
});
