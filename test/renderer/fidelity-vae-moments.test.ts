// VAE encoders exported by diffusers' own conversion script sample inside the graph (an unseeded
// RandomNormalLike); the loader edits such a graph once to output the posterior's mean and log-variance.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelFolder } from '../../renderer/model/load-model-folder.ts';
import { vaeEncoderFile } from '../../renderer/model/vae-encoder-file.ts';
import { exposeVaeMoments } from '../../renderer/model/vae-moments-graph.ts';
import { img2img } from '../../renderer/pipelines/img2img.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';

const { onnx } = onnxProto;
const models = fileURLToPath(new URL('../../../shared/fidelity/models/', import.meta.url));
const inputs = fileURLToPath(new URL('../../../shared/fidelity/inputs/', import.meta.url));
const sampling = path.join(models, 'tiny-latent-sample', 'vae_encoder', 'model.onnx');
const scratch = mkdtempSync(path.join(tmpdir(), 'vae-moments-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const settings = { providers: ['cpu'] as const, threads: 1, graphOptimization: 'all' as const };

async function moments(file: string, pixels: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  const out = await session.run({ sample: new ort.Tensor('float32', pixels, [1, 3, 64, 64]) });
  await session.release();
  return out.latent_parameters.data as Float32Array;
}

describe('a VAE encoder that samples inside its graph', () => {
  if (!existsSync(sampling)) {
    it.skip(`fidelity models absent (${models}), nothing to edit`, () => {});
    return;
  }

  it("is edited to output the posterior's mean and log-variance, the same as the optimum export's", async () => {
    const edit = exposeVaeMoments(readFileSync(sampling));
    expect(edit.kind).toBe('edited');
    const edited = path.join(scratch, 'edited.onnx');
    writeFileSync(edited, (edit as { model: Uint8Array }).model);
    const pixels = Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => Math.sin(i / 37));
    const ours = await moments(edited, pixels);
    // `tiny` is the same VAE exported with latent_parameters: mean in channels 0-3, log-variance in 4-7.
    const optimum = await moments(path.join(models, 'tiny', 'vae_encoder', 'model.onnx'), pixels);
    expect(ours.length).toBe(8 * 8 * 8);
    let maxDiff = 0;
    for (let k = 0; k < ours.length; k++) maxDiff = Math.max(maxDiff, Math.abs(ours[k] - optimum[k]));
    expect(maxDiff).toBeLessThan(1e-4);
    // And it no longer draws: two runs agree exactly.
    expect(Array.from(await moments(edited, pixels))).toEqual(Array.from(ours));
  });

  it('is edited once and the copy kept beside the optimised models', () => {
    const cacheDir = path.join(scratch, 'cache');
    const first = vaeEncoderFile(sampling, { ...settings, cacheDir });
    expect(first.warning).toBeUndefined();
    expect(path.dirname(first.file)).toBe(cacheDir);
    const written = statSync(first.file).mtimeMs;
    const second = vaeEncoderFile(sampling, { ...settings, cacheDir });
    expect(second.file).toBe(first.file);
    expect(statSync(second.file).mtimeMs).toBe(written);
    // An encoder that draws nothing opens as it is.
    const plain = path.join(models, 'tiny', 'vae_encoder', 'model.onnx');
    expect(vaeEncoderFile(plain, { ...settings, cacheDir }).file).toBe(plain);
  });

  it('gives the same img2img picture twice for the same seed', async () => {
    const model = await loadModelFolder(path.join(models, 'tiny-latent-sample'), {
      ...settings,
      cacheDir: path.join(scratch, 'cache'),
    });
    const request: RenderRequest = {
      prompt: 'a photograph of an astronaut riding a horse',
      negativePrompt: '',
      width: 128,
      height: 128,
      steps: 10,
      guidance: 7.5,
      sampler: 'ddim',
      seed: 42,
      count: 1,
      strength: 0.6,
      image: readFileSync(path.join(inputs, 'init.png')),
    };
    const a = await img2img(model, request);
    const b = await img2img(model, request);
    expect(a.images[0].png.equals(b.images[0].png)).toBe(true);
    await model.release();
  });

  it('that cannot be read says so once, clearly, and still loads', async () => {
    // The same export with the std made by another op than Exp: the posterior is no longer recognisable.
    const folder = path.join(scratch, 'unreadable');
    cpSync(path.join(models, 'tiny-latent-sample'), folder, { recursive: true });
    const file = path.join(folder, 'vae_encoder', 'model.onnx');
    const proto = onnx.ModelProto.decode(readFileSync(file));
    for (const n of proto.graph?.node ?? []) if (n.opType === 'Exp') n.opType = 'Softplus';
    writeFileSync(file, onnx.ModelProto.encode(proto).finish());
    const lines: string[] = [];
    const open = () =>
      loadModelFolder(folder, {
        ...settings,
        cacheDir: path.join(scratch, 'cache'),
        log: (l) => lines.push(l),
      });
    await (await open()).release();
    await (await open()).release();
    const warnings = lines.filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toMatch(/draws noise with RandomNormalLike and the std is not an Exp/);
    expect(warnings[0]).toMatch(/give another picture on every run for the same seed/);
  });
});
