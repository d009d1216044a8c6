// A patched model folder is built once per (model, LoRA files, weights, VAE): asking again returns the
// same folder without merging again; another weight is another folder. The merge is logged.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { patchedFolder } from '../../../renderer/lora/patched-folder.ts';

const loraDir = fileURLToPath(new URL('../../../../shared/fidelity-lora/', import.meta.url));
const tinyDir = fileURLToPath(new URL('../../../../shared/fidelity/models/tiny', import.meta.url));

describe.skipIf(!existsSync(loraDir) || !existsSync(tinyDir))('patched model folders', () => {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'patched-'));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
  const lora = path.join(loraDir, 'loras', 'tiny-lora.safetensors');

  it('builds once per LoRA set and weight, logging the merge', async () => {
    const lines: string[] = [];
    const first = await patchedFolder({
      modelDir: tinyDir,
      loras: [{ file: lora, weight: 0.6 }],
      cacheDir,
      log: (l) => lines.push(l),
    });
    expect(lines).toEqual([expect.stringMatching(/^lora: merged tiny-lora\.safetensors:0\.6 in \d+ ms$/)]);
    const written = statSync(path.join(first.dir, 'unet', 'model.onnx')).mtimeMs;
    const again = await patchedFolder({
      modelDir: tinyDir,
      loras: [{ file: lora, weight: 0.6 }],
      cacheDir,
      log: (l) => lines.push(l),
    });
    expect(again.dir).toBe(first.dir);
    expect(again.patchMs).toBe(0);
    expect(lines).toHaveLength(1);
    expect(statSync(path.join(first.dir, 'unet', 'model.onnx')).mtimeMs).toBe(written);
    const other = await patchedFolder({ modelDir: tinyDir, loras: [{ file: lora, weight: 1 }], cacheDir });
    expect(other.dir).not.toBe(first.dir);
    // The folder keeps the model's name, so pictures and logs name the model.
    expect(path.basename(first.dir)).toBe('tiny');
  });
});
