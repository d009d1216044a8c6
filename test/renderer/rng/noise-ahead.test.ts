// Noise drawn on the noise thread while the model would run: a scheduler drawing through NoiseAhead
// gets exactly the values, in the same order, that its generator alone gives, whether the draw was
// ready, of another size, or made stale by a draw in between.
import { describe, expect, it } from 'vitest';
import { NoiseAhead } from '../../../renderer/rng/noise-ahead.ts';
import { TorchGenerator } from '../../../renderer/rng/torch-generator.ts';

/** Stands in for the UNet call: the time the noise thread has to draw. */
const modelCall = () => new Promise((r) => setTimeout(r, 40));

describe('NoiseAhead', () => {
  it('serves each step the draw its generator would make, drawn on the noise thread', async () => {
    const alone = new TorchGenerator(1234);
    const g = new TorchGenerator(1234);
    const ahead = new NoiseAhead([g]);
    const source = ahead.source(0);
    const step = async () => {
      ahead.drawAhead();
      await modelCall();
      expect(source.randn(16384)).toEqual(alone.randn(16384));
    };
    // The thread starts on first use (slowly on a busy machine); the steps until then draw here.
    for (let tries = 0; ahead.drawnAhead === 0 && tries < 500; tries++) await step();
    expect(ahead.drawnAhead).toBe(1);
    for (let i = 0; i < 30; i++) await step();
    // Served one after another, each continuing from the state the previous one left.
    expect(ahead.drawnAhead).toBeGreaterThan(5);
    // The generator itself ended where the lone one did.
    expect(g.randn(20)).toEqual(alone.randn(20));
  });

  it('draws itself when the step draws another size, twice, or after another draw', async () => {
    const alone = new TorchGenerator(99);
    const g = new TorchGenerator(99);
    const ahead = new NoiseAhead([g]);
    const source = ahead.source(0);
    // Sizes per step: a change of size, two draws in one step, and draws straight from the generator.
    const plan: { sizes: number[]; direct?: number }[] = [];
    for (let step = 0; step < 24; step++) {
      if (step % 6 === 2) plan.push({ sizes: [4096] });
      else if (step % 6 === 4) plan.push({ sizes: [16384, 16384] });
      else if (step % 6 === 5) plan.push({ sizes: [16384], direct: 7 });
      else plan.push({ sizes: [16384] });
    }
    for (const { sizes, direct } of plan) {
      ahead.drawAhead();
      await modelCall();
      if (direct) expect(g.randn(direct)).toEqual(alone.randn(direct));
      for (const size of sizes) expect(source.randn(size)).toEqual(alone.randn(size));
    }
    expect(ahead.drawnAhead).toBeGreaterThan(0);
    expect(g.randn(50)).toEqual(alone.randn(50));
  });

  it('keeps pictures apart: each generator gets its own draws', async () => {
    const alone = [new TorchGenerator(1), new TorchGenerator(2)];
    const gs = [new TorchGenerator(1), new TorchGenerator(2)];
    const ahead = new NoiseAhead(gs);
    for (let step = 0; step < 12; step++) {
      ahead.drawAhead();
      await modelCall();
      for (const i of [0, 1]) expect(ahead.source(i).randn(8192)).toEqual(alone[i].randn(8192));
    }
    expect(ahead.drawnAhead).toBeGreaterThan(0);
  });
});
