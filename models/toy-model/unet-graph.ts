// The toy UNet: the Bayes-optimal noise prediction for data drawn from the K scene latents z_k,
// with a prior from the prompt (see the design notes):
//   abar    = alphas_cumprod[round(t)]
//   logit_k = -||x - sqrt(abar) z_k||^2 / (2 (1 - abar)) + gamma <s, c_k>     (s = sum of token states)
//   x0_hat  = sum_k softmax(logit)_k z_k,   eps = (x - sqrt(abar) x0_hat) / sqrt(1 - abar)
// The inpaint variant reads [x, mask, masked_image_latents] and adds
//   - lambda ||(1 - mask) (masked_image_latents - z_k)||^2, so the scene agrees with what is visible.
// The squared distances are expanded (|x|^2 - 2<x,z> + |z|^2) so they are matrix products.
import { GraphBuilder } from '../onnx-graph/graph-builder.ts';
import { floatInput, floatOutput } from './io-casts.ts';
import type { ModelVariant } from './variant.ts';

export interface UnetWeights {
  /** Scene latents [K, 4, h, w], scaled latent space. */
  latents: Float32Array;
  count: number;
  latentSize: number;
  /** Scene keys [K, width]: the sum of each caption's meaning rows. */
  keys: Float32Array;
  width: number;
  alphasCumprod: Float32Array;
  gamma: number;
  lambda: number;
}

export function unetGraph(w: UnetWeights, inpaint: boolean, variant: ModelVariant): GraphBuilder {
  const g = new GraphBuilder(inpaint ? 'toy_unet_inpaint' : 'toy_unet');
  const K = w.count;
  const channels = inpaint ? 9 : 4;
  const sample = floatInput(g, 'sample', ['batch', channels, 'height', 'width'], variant.float16);
  const tShape = variant.timestepShape === 'scalar' ? [] : variant.timestepShape === 'one' ? [1] : ['batch'];
  // Half-precision exports take the timestep in float16 too.
  const tType = variant.float16 && variant.timestepType === 'float32' ? 'float16' : variant.timestepType;
  const timestep = g.input('timestep', tType, tShape);
  const hidden = floatInput(g, 'encoder_hidden_states', ['batch', 'sequence', w.width], variant.float16);

  const slice = (from: number, to: number) =>
    g.node('Slice', [sample, g.ints([from]), g.ints([to]), g.ints([1])]);
  const x = inpaint ? slice(0, 4) : sample;

  // abar and its square roots, shaped [rows, 1] to broadcast over the batch.
  const tFloat = g.node('Cast', [timestep], { to: 1 });
  const tIndex = g.node(
    'Cast',
    [g.node('Clip', [g.node('Round', [tFloat]), g.scalar(0), g.scalar(w.alphasCumprod.length - 1)])],
    { to: 7 },
  );
  const abarRaw = g.node(
    'Gather',
    [g.constant('float32', [w.alphasCumprod.length], w.alphasCumprod), tIndex],
    { axis: 0 },
  );
  const abar = g.node('Reshape', [abarRaw, g.ints([-1, 1])]);
  const sqrtAbar = g.node('Sqrt', [abar]);
  const oneMinus = g.node('Sub', [g.scalar(1), abar]);

  // Scene latents at the sample's size, flattened: [K, N].
  const xShape = g.node('Shape', [x]);
  const sizes = g.node(
    'Concat',
    [g.ints([K, 4]), g.node('Slice', [xShape, g.ints([2]), g.ints([4]), g.ints([0])])],
    { axis: 0 },
  );
  const z = g.constant('float32', [K, 4, w.latentSize, w.latentSize], w.latents, 'scene_latents');
  const zSized = g.node('Resize', [z, '', '', sizes], {
    mode: 'linear',
    coordinate_transformation_mode: 'half_pixel',
  });
  const zFlat = g.node('Reshape', [zSized, g.ints([K, -1])]);
  const zT = g.node('Transpose', [zFlat], { perm: [1, 0] });
  const zz = g.node('ReduceSum', [g.node('Mul', [zFlat, zFlat]), g.ints([1])], { keepdims: 0 });

  const xFlat = g.node('Reshape', [x, g.ints([0, -1])]);
  const xx = g.node('ReduceSum', [g.node('Mul', [xFlat, xFlat]), g.ints([1])], { keepdims: 1 });
  const xz = g.node('MatMul', [xFlat, zT]);
  // ||x - sqrt(abar) z||^2 = |x|^2 - 2 sqrt(abar) <x, z> + abar |z|^2
  const dist = g.node('Add', [
    g.node('Sub', [xx, g.node('Mul', [g.node('Mul', [sqrtAbar, g.scalar(2)]), xz])]),
    g.node('Mul', [abar, zz]),
  ]);
  let logit = g.node('Div', [g.node('Neg', [dist]), g.node('Mul', [oneMinus, g.scalar(2)])]);

  const s = g.node('ReduceSum', [hidden, g.ints([1])], { keepdims: 0 });
  const keysT = new Float32Array(w.width * K);
  for (let k = 0; k < K; k++)
    for (let d = 0; d < w.width; d++) keysT[d * K + k] = w.keys[k * w.width + d] * w.gamma;
  // The data term grows with the latent's element count; early in a few-step run it would outvote the
  // prompt and pick scenes by their brightness. The prior grows with it, so the prompt decides as
  // firmly at 64x64 latents as at the scenes' own 32x32.
  const elements = g.node('ReduceProd', [g.node('Slice', [xShape, g.ints([1]), g.ints([4]), g.ints([0])])], {
    keepdims: 0,
  });
  const reference = 4 * w.latentSize * w.latentSize;
  const sizeScale = g.node('Div', [g.node('Cast', [elements], { to: 1 }), g.scalar(reference)]);
  const prior = g.node('Mul', [g.node('MatMul', [s, g.constant('float32', [w.width, K], keysT)]), sizeScale]);
  logit = g.node('Add', [logit, prior]);

  if (inpaint) {
    const mask = slice(4, 5);
    const masked = slice(5, 9);
    const visible = g.node('Sub', [g.scalar(1), mask]);
    // The mask covers all 4 channels: expand it, then flatten like the latents.
    const visible4 = g.node('Concat', [visible, visible, visible, visible], { axis: 1 });
    const vFlat = g.node('Reshape', [visible4, g.ints([0, -1])]);
    const mFlat = g.node('Reshape', [masked, g.ints([0, -1])]);
    const vm = g.node('Mul', [vFlat, mFlat]);
    const mm = g.node('ReduceSum', [g.node('Mul', [vm, mFlat]), g.ints([1])], { keepdims: 1 });
    const mz = g.node('MatMul', [vm, zT]);
    const vzz = g.node('MatMul', [
      vFlat,
      g.node('Transpose', [g.node('Mul', [zFlat, zFlat])], { perm: [1, 0] }),
    ]);
    const penalty = g.node('Add', [g.node('Sub', [mm, g.node('Mul', [mz, g.scalar(2)])]), vzz]);
    logit = g.node('Sub', [logit, g.node('Mul', [penalty, g.scalar(w.lambda)])]);
  }

  const p = g.node('Softmax', [logit], { axis: 1 });
  const x0 = g.node('Reshape', [g.node('MatMul', [p, zFlat]), xShape]);
  const sa4 = g.node('Reshape', [sqrtAbar, g.ints([-1, 1, 1, 1])]);
  const s4 = g.node('Reshape', [g.node('Sqrt', [oneMinus]), g.ints([-1, 1, 1, 1])]);
  const eps = g.node('Div', [g.node('Sub', [x, g.node('Mul', [sa4, x0])]), s4]);
  floatOutput(g, eps, 'out_sample', ['batch', 4, 'height', 'width'], variant.float16);
  return g;
}
