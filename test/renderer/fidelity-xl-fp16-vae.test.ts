// A float16 VAE decoder that overflows (as SDXL's stock VAE does in float16) must still give the
// picture, decoded again in float32, and say so with a warning that names the fix. The float16
// variant of the tiny SDXL VAE is made here: float16 in and out, and an activation before the last
// convolution scaled past float16's range (x 1e5, cast to float16 and back, x 1e-5), which is the
// identity in float32 and inf in float16.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelCache } from '../../renderer/model/model-cache.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';

const { onnx } = onnxProto;
const fidelityDir = fileURLToPath(new URL('../../../shared/fidelity-xl/', import.meta.url));
const baseModel = path.join(fidelityDir, 'models', 'tiny-xl');
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;

function scalar(name: string, value: number) {
  return onnx.TensorProto.create({
    name,
    dataType: FLOAT,
    dims: [],
    rawData: new Uint8Array(Float32Array.of(value).buffer),
  });
}

function cast(input: string, output: string, to: number) {
  return onnx.NodeProto.create({
    opType: 'Cast',
    input: [input],
    output: [output],
    attribute: [
      onnx.AttributeProto.create({ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: to }),
    ],
  });
}

/** The tiny VAE decoder with float16 input and output and a float16 overflow before its last conv. */
function overflowingFloat16Decoder(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const nodes = graph.node!;
  const input = graph.input![0];
  const output = graph.output![0];
  for (const n of nodes) n.input = n.input!.map((i) => (i === input.name ? `${input.name}_f32` : i));
  for (const n of nodes) n.output = n.output!.map((o) => (o === output.name ? `${output.name}_f32` : o));
  const lastConv = nodes.map((n) => n.opType).lastIndexOf('Conv');
  const x = nodes[lastConv].input![0];
  nodes[lastConv].input![0] = 'overflow_back';
  graph.initializer!.push(scalar('overflow_up', 1e5), scalar('overflow_down', 1e-5));
  const overflow = [
    onnx.NodeProto.create({ opType: 'Mul', input: [x, 'overflow_up'], output: ['overflow_big'] }),
    cast('overflow_big', 'overflow_half', FLOAT16),
    cast('overflow_half', 'overflow_wide', FLOAT),
    onnx.NodeProto.create({
      opType: 'Mul',
      input: ['overflow_wide', 'overflow_down'],
      output: ['overflow_back'],
    }),
  ];
  graph.node = [
    cast(input.name!, `${input.name}_f32`, FLOAT),
    ...nodes.slice(0, lastConv),
    ...overflow,
    ...nodes.slice(lastConv),
    cast(`${output.name}_f32`, output.name!, FLOAT16),
  ];
  input.type!.tensorType!.elemType = FLOAT16;
  output.type!.tensorType!.elemType = FLOAT16;
  return onnx.ModelProto.encode(model).finish();
}

describe('an SDXL float16 VAE decoder that overflows', () => {
  if (!existsSync(baseModel)) {
    it.skip(`SDXL fidelity models absent (${baseModel}), no VAE to make a float16 variant of`, () => {});
    return;
  }
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'fp16-vae-models-'));
  const modelDir = path.join(modelsDir, 'tiny-xl-fp16-vae');
  afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

  it('gives the float32 picture, decoded again in float32, with a warning naming the fix', async () => {
    // The model folder: the tiny SDXL model's parts, its decoder replaced by the float16 variant.
    cpSync(baseModel, modelDir, { recursive: true, filter: (src) => !src.includes('vae_decoder') });
    mkdirSync(path.join(modelDir, 'vae_decoder'));
    for (const entry of readdirSync(path.join(baseModel, 'vae_decoder'))) {
      if (entry !== 'model.onnx')
        symlinkSync(path.join(baseModel, 'vae_decoder', entry), path.join(modelDir, 'vae_decoder', entry));
    }
    const variant = overflowingFloat16Decoder(
      readFileSync(path.join(baseModel, 'vae_decoder', 'model.onnx')),
    );
    writeFileSync(path.join(modelDir, 'vae_decoder', 'model.onnx'), variant);

    // The variant really overflows: a float16 decode of plain latents is not finite.
    const session = await ort.InferenceSession.create(path.join(modelDir, 'vae_decoder', 'model.onnx'));
    const latents = new Float32Array(4 * 8 * 8).map((_, i) => Math.sin(i));
    const raw = await session.run({
      latent_sample: new ort.Tensor(
        'float16',
        Uint16Array.from(latents, (v) => (v >= 0 ? 0x3c00 : 0xbc00) & 0xffff),
        [1, 4, 8, 8],
      ),
    });
    const decoded = raw.sample.data as Uint16Array;
    expect(decoded.some((h) => (h & 0x7c00) === 0x7c00)).toBe(true);
    await session.release();

    const cache = new ModelCache(
      modelsDir,
      { providers: ['cpu'], threads: 1, graphOptimization: 'all' },
      2 ** 30,
    );
    const request = {
      prompt: 'a photograph of an astronaut riding a horse',
      negativePrompt: '',
      width: 128,
      height: 128,
      steps: 20,
      guidance: 5,
      sampler: 'euler' as const,
      seed: 42,
      count: 1,
      strength: 0.75,
      maskOptions: { blur: 0, invert: false },
    };
    const result = await runPipeline(cache, 'tiny-xl-fp16-vae', request);
    expect(
      result.warnings.some((w) =>
        /overflows in float16.*decoded again in float32.*exported for fp16/.test(w),
      ),
    ).toBe(true);
    // The float32 decode is the picture diffusers drew for the same settings (case txt2img-euler-s42).
    const ours = await sharp(result.images[0].png).removeAlpha().raw().toBuffer();
    const theirs = await sharp(path.join(fidelityDir, 'ref', 'txt2img-euler-s42.png'))
      .removeAlpha()
      .raw()
      .toBuffer();
    let max = 0;
    for (let k = 0; k < theirs.length; k++) max = Math.max(max, Math.abs(ours[k] - theirs[k]));
    console.log(`fp16 VAE overflow redone in float32: max_abs=${max} against the float32 reference`);
    expect(max).toBeLessThanOrEqual(2);
  });
});
