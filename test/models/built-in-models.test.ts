// Building the built-in models: the same bytes every build, and a second start skips the work.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT_IN_MODELS, ensureBuiltInModels } from '../../models/built-in.ts';
import { buildToyModel } from '../../models/toy-model/build-toy-model.ts';

const root = mkdtempSync(path.join(tmpdir(), 'built-in-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every file under a folder, by relative path. */
function filesOf(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(prefix, entry.name);
    return entry.isDirectory() ? filesOf(dir, rel) : [rel];
  });
}

describe('built-in model builders', () => {
  it('write the same bytes twice, for the base and the inpaint toy model', () => {
    for (const inpaint of [false, true]) {
      const a = path.join(root, `a-${inpaint}`);
      const b = path.join(root, `b-${inpaint}`);
      buildToyModel(a, { inpaint });
      buildToyModel(b, { inpaint });
      const files = filesOf(a).sort();
      expect(files).toEqual(filesOf(b).sort());
      expect(files).toContain(path.join('unet', 'model.onnx'));
      for (const file of files)
        expect(readFileSync(path.join(a, file)).equals(readFileSync(path.join(b, file))), file).toBe(true);
    }
  });

  it('build the missing models once, then skip them until the stamp is stale', async () => {
    const dir = path.join(root, 'models');
    const lines: string[] = [];
    expect(await ensureBuiltInModels(dir, (line) => lines.push(line))).toEqual(BUILT_IN_MODELS);
    expect(BUILT_IN_MODELS).toEqual(['toy', 'toy-inpaint']);
    expect(lines.every((line) => /built .* in .* \(\d+\.\d s\)/.test(line))).toBe(true);
    // The unet holds no picture list any more: shapes are drawn in the graph at the sample's size.
    expect(statSync(path.join(dir, 'toy', 'unet', 'model.onnx')).size).toBeLessThan(400_000);
    const modelTime = statSync(path.join(dir, 'toy', 'unet', 'model.onnx')).mtimeMs;

    expect(await ensureBuiltInModels(dir)).toEqual([]);
    expect(statSync(path.join(dir, 'toy', 'unet', 'model.onnx')).mtimeMs).toBe(modelTime);

    writeFileSync(path.join(dir, 'toy-inpaint', 'build.json'), '{"version":0}');
    expect(await ensureBuiltInModels(dir)).toEqual(['toy-inpaint']);
    expect(readdirSync(dir).sort()).toEqual(['toy', 'toy-inpaint']); // no half-built folders left
  });
});
