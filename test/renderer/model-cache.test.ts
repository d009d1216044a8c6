import { describe, expect, it } from 'vitest';
import { ModelCache } from '../../renderer/model/model-cache.ts';
import { testModels } from '../helpers/built-in-models.ts';

const settings = (log: (l: string) => void) => ({
  providers: ['cpu'] as ('cpu' | 'cuda')[],
  threads: 0,
  graphOptimization: 'all' as const,
  log,
});

describe('model cache', () => {
  it('keeps models loaded across jobs and drops the least recently used over its budget', async () => {
    const dir = await testModels();
    const lines: string[] = [];
    const probe = new ModelCache(
      dir,
      settings(() => undefined),
      2 ** 31,
    );
    const oneModel = (await probe.get('toy')).bytes;
    await probe.close();

    // Room for one model and a half: loading a second one unloads the first.
    const cache = new ModelCache(
      dir,
      settings((l) => lines.push(l)),
      Math.floor(oneModel * 1.5),
    );
    const toy = await cache.get('toy');
    expect(await cache.get('toy')).toBe(toy); // reused, not reloaded
    await cache.get('toy-inpaint');
    expect(cache.isLoaded('toy')).toBe(false);
    expect(cache.isLoaded('toy-inpaint')).toBe(true);
    expect(lines).toContain('model toy: unloaded to stay within the memory budget');
    const again = await cache.get('toy');
    expect(again).not.toBe(toy);
    expect(cache.isLoaded('toy-inpaint')).toBe(false);
    await cache.close();

    // With room for both, both stay.
    const roomy = new ModelCache(
      dir,
      settings(() => undefined),
      oneModel * 3,
    );
    await roomy.get('toy');
    await roomy.get('toy-inpaint');
    expect(roomy.isLoaded('toy') && roomy.isLoaded('toy-inpaint')).toBe(true);
    await roomy.close();
  });
});
