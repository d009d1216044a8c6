// Noise drawn on the noise thread while the model would run: a scheduler drawing through NoiseAhead
// gets exactly the values, in the same order, that its generator alone gives, whether the draw was
// ready, of another size, or made stale by a draw in between. Where a test needs the draw to be
// ready it waits for it (settled), so nothing depends on how fast the thread is.
import { describe, expect, it } from 'vitest';
import { NoiseAhead } from '../../../renderer/rng/noise-ahead.ts';
import { TorchGenerator } from '../../../renderer/rng/torch-generator.ts';

describe('NoiseAhead', () => {
  it('serves each step the draw its generator would make, drawn on the noise thread', async () => {
    const alone = new TorchGenerator(1234);
    const g = new TorchGenerator(1234);
    const ahead = new NoiseAhead([g]);
    const source = ahead.source(0);
    for (let step = 0; step < 30; step++) {
      ahead.drawAhead();
      await ahead.settled();
      expect(source.randn(16384)).toEqual(alone.randn(16384));
    }
    // The first step had drawn nothing before, so it drew here; every later one was served,
    // each continuing from the state the previous one left.
    expect(ahead.drawnAhead).toBe(29);
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
    // Served: a step whose first draw has the size of the previous step's only draw, with no direct
    // draw in between: steps 1 and 4 of each 6 (after a single 16384), and step 0 of each 6 but the
    // first (step 5 drew one 16384 through the source; its direct draw came before): 4 * 3 - 1 = 11.
    for (const { sizes, direct } of plan) {
      ahead.drawAhead();
      await ahead.settled();
      if (direct) expect(g.randn(direct)).toEqual(alone.randn(direct));
      for (const size of sizes) expect(source.randn(size)).toEqual(alone.randn(size));
    }
    expect(ahead.drawnAhead).toBe(11);
    expect(g.randn(50)).toEqual(alone.randn(50));
  });

  it('keeps pictures apart: each generator gets its own draws', async () => {
    const alone = [new TorchGenerator(1), new TorchGenerator(2)];
    const gs = [new TorchGenerator(1), new TorchGenerator(2)];
    const ahead = new NoiseAhead(gs);
    for (let step = 0; step < 12; step++) {
      ahead.drawAhead();
      await ahead.settled();
      for (const i of [0, 1]) expect(ahead.source(i).randn(8192)).toEqual(alone[i].randn(8192));
    }
    expect(ahead.drawnAhead).toBe(22);
  });

  it('gives the same values when the step draws before the thread is done', () => {
    const alone = new TorchGenerator(5);
    const g = new TorchGenerator(5);
    const ahead = new NoiseAhead([g]);
    const source = ahead.source(0);
    // No waiting at all: whether or not each draw was ready, the values are the lone generator's.
    for (let step = 0; step < 10; step++) {
      ahead.drawAhead();
      expect(source.randn(16384)).toEqual(alone.randn(16384));
    }
    expect(g.randn(20)).toEqual(alone.randn(20));
  });
});
