// The loader-test variants of the toy model compute what the base model computes: same numbers for
// int64 timesteps and ids, per-row and scalar timesteps, external weights, and float16 within its
// precision; the 8-channel VAE encoder gives the mean and a negligible variance.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToyModel } from '../../models/toy-model/build-toy-model.ts';
import type { ModelVariant } from '../../models/toy-model/variant.ts';
import { float16ToFloat32, float32ToFloat16 } from '../../renderer/onnx/float16.ts';
import { encodePrompt, gaussian, openToy, type ToySessions } from './toy-sessions.ts';

const { onnx } = onnxProto;
const VARIANTS: Record<string, Partial<ModelVariant>> = {
  base: {},
  int64: { timestepType: 'int64', timestepShape: 'batch', inputIdsType: 'int64' },
  scalar: { timestepShape: 'scalar' },
  moments: { vaeEncoderOutput: 'latent_parameters' },
  half: { float16: true },
  external: { externalWeights: true },
};

let root: string;
const toys: Record<string, ToySessions> = {};
beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'toy-variants-'));
  for (const [name, variant] of Object.entries(VARIANTS)) {
    buildToyModel(path.join(root, name), { variant });
    toys[name] = await openToy(path.join(root, name));
  }
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const H = 32;
const sample = gaussian(7, 2 * 4 * H * H);
let context: Float32Array;
beforeAll(async () => {
  const empty = await encodePrompt(toys.base, '');
  const prompt = await encodePrompt(toys.base, 'a green square on the snow');
  context = new Float32Array(empty.length * 2);
  context.set(empty);
  context.set(prompt, empty.length);
});

type Feeds = Record<string, ort.Tensor>;
async function unet(name: string, timestep: ort.Tensor, half = false): Promise<Float32Array> {
  const session = toys[name].unet;
  const float = (data: Float32Array, dims: number[]) =>
    half ? new ort.Tensor('float16', float32ToFloat16(data), dims) : new ort.Tensor('float32', data, dims);
  const feeds: Feeds = {
    sample: float(sample, [2, 4, H, H]),
    timestep,
    encoder_hidden_states: float(context, [2, 77, context.length / 154]),
  };
  const out = (await session.run(feeds)).out_sample;
  return half ? float16ToFloat32(out.data as Uint16Array) : (out.data as Float32Array);
}

const f32 = (values: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(values), dims);
const half = (a: Float32Array) => a.subarray(0, a.length / 2);
const secondHalf = (a: Float32Array) => a.subarray(a.length / 2);

describe('toy model variants', () => {
  it('base UNet rounds the timestep and clamps it to the table', async () => {
    const at500 = await unet('base', f32([500], [1]));
    expect(await unet('base', f32([500.4], [1]))).toEqual(at500);
    expect(await unet('base', f32([999], [1]))).toEqual(await unet('base', f32([1500], [1])));
    expect(await unet('base', f32([300], [1]))).not.toEqual(at500);
  });

  it('int64 timestep per batch row gives each row the base model’s result at its own timestep', async () => {
    const at500 = await unet('base', f32([500], [1]));
    const at200 = await unet('base', f32([200], [1]));
    const mixed = await unet('int64', new ort.Tensor('int64', BigInt64Array.of(500n, 200n), [2]));
    expect(half(mixed)).toEqual(half(at500));
    expect(secondHalf(mixed)).toEqual(secondHalf(at200));
  });

  it('scalar timestep gives the base model’s numbers', async () => {
    expect(await unet('scalar', f32([500], []))).toEqual(await unet('base', f32([500], [1])));
  });

  it('int64 input ids give the same token states', async () => {
    const ids = toys.base.tokenizer.encode('a pink triangle at night').ids;
    const base = await toys.base.textEncoder.run({ input_ids: new ort.Tensor('int32', ids, [1, 77]) });
    const wide = await toys.int64.textEncoder.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, 77]),
    });
    expect(toys.int64.textEncoder.inputMetadata[0]).toMatchObject({ type: 'int64' });
    expect(wide.last_hidden_state.data).toEqual(base.last_hidden_state.data);
  });

  it('external weights: model.onnx refers to weights.pb by location, offset and length, same numbers', async () => {
    const dir = path.join(root, 'external', 'unet');
    expect(statSync(path.join(dir, 'model.onnx')).size).toBeLessThan(60_000);
    expect(statSync(path.join(dir, 'weights.pb')).size).toBeGreaterThan(100_000);
    const model = onnx.ModelProto.decode(readFileSync(path.join(dir, 'model.onnx')));
    const external = model.graph!.initializer!.filter(
      (t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL,
    );
    expect(external.length).toBeGreaterThan(0);
    for (const t of external)
      expect(t.externalData!.map((e) => e.key)).toEqual(['location', 'offset', 'length']);
    expect(Number(model.opsetImport![0].version)).toBe(17);
    expect(await unet('external', f32([700], [1]))).toEqual(await unet('base', f32([700], [1])));
  });

  it('float16 model takes and gives float16 and agrees with float32 within float16 precision', async () => {
    for (const meta of [...toys.half.unet.inputMetadata, ...toys.half.unet.outputMetadata])
      if (meta.name !== 'timestep' && meta.isTensor) expect(meta.type, meta.name).toBe('float16');
    for (const t of [900, 500, 50]) {
      const base = await unet('base', f32([t], [1]));
      // The timestep keeps whatever float type the model declares for it.
      const declared = toys.half.unet.inputMetadata.find((m) => m.name === 'timestep');
      const timestep =
        declared?.isTensor && declared.type === 'float16'
          ? new ort.Tensor('float16', float32ToFloat16(Float32Array.of(t)), [1])
          : f32([t], [1]);
      const halfOut = await unet('half', timestep, true);
      let worst = 0;
      for (let i = 0; i < base.length; i++) worst = Math.max(worst, Math.abs(base[i] - halfOut[i]));
      expect(worst, `t=${t}`).toBeLessThan(0.05);
    }
  });

  it('latent_parameters VAE encoder gives the mean in the first 4 channels and a tiny log-variance', async () => {
    const picture = gaussian(3, 3 * 64 * 64).map((v) => Math.tanh(v));
    const feeds = { sample: new ort.Tensor('float32', picture, [1, 3, 64, 64]) };
    const mean = (await toys.base.vaeEncoder.run(feeds)).latent_sample;
    const moments = (await toys.moments.vaeEncoder.run(feeds)).latent_parameters;
    expect(moments.dims).toEqual([1, 8, 8, 8]);
    const data = moments.data as Float32Array;
    expect(data.subarray(0, 256)).toEqual(mean.data);
    for (const v of data.subarray(256)) expect(v).toBeLessThan(-10);
  });
});
