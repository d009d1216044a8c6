// The building blocks of an SD-style UNet as ONNX nodes: 3x3 convolutions, group norm, SiLU,
// residual blocks with a timestep embedding, and self- plus cross-attention.
import type { GraphBuilder } from '../onnx-graph/graph-builder.ts';
import type { SeededWeights } from './seeded-weights.ts';

export interface Blocks {
  g: GraphBuilder;
  w: SeededWeights;
}

/** He-style init keeps activations near unit size through the random network. */
export function conv(b: Blocks, x: string, cin: number, cout: number, k = 3, stride = 1): string {
  const weight = b.g.constant(
    'float32',
    [cout, cin, k, k],
    b.w.normal(cout * cin * k * k, Math.sqrt(1 / (cin * k * k))),
  );
  const bias = b.g.constant('float32', [cout], new Float32Array(cout));
  const pad = (k - 1) >> 1;
  return b.g.node('Conv', [x, weight, bias], {
    kernel_shape: [k, k],
    pads: [pad, pad, pad, pad],
    strides: [stride, stride],
  });
}

export function silu(b: Blocks, x: string): string {
  return b.g.node('Mul', [x, b.g.node('Sigmoid', [x])]);
}

/** GroupNorm(32) through InstanceNormalization on [B, groups, -1], as opset 17 has no GroupNormalization. */
export function groupNorm(b: Blocks, x: string, channels: number, groups = 32): string {
  const { g } = b;
  const shape = g.node('Shape', [x]);
  const grouped = g.node('Reshape', [x, g.ints([0, groups, -1])]);
  const ones = g.constant('float32', [groups], new Float32Array(groups).fill(1));
  const zeros = g.constant('float32', [groups], new Float32Array(groups));
  const normed = g.node('InstanceNormalization', [grouped, ones, zeros], { epsilon: { float: 1e-5 } });
  const back = g.node('Reshape', [normed, shape]);
  const gamma = g.constant('float32', [1, channels, 1, 1], new Float32Array(channels).fill(1));
  const beta = g.constant('float32', [1, channels, 1, 1], new Float32Array(channels));
  return g.node('Add', [g.node('Mul', [back, gamma]), beta]);
}

function linear(b: Blocks, x: string, cin: number, cout: number): string {
  return b.g.node('MatMul', [
    x,
    b.g.constant('float32', [cin, cout], b.w.normal(cin * cout, Math.sqrt(1 / cin))),
  ]);
}

export function resBlock(
  b: Blocks,
  x: string,
  cin: number,
  cout: number,
  temb: string,
  tdim: number,
): string {
  const { g } = b;
  let h = conv(b, silu(b, groupNorm(b, x, cin)), cin, cout);
  const t = g.node('Unsqueeze', [linear(b, silu(b, temb), tdim, cout), g.ints([2, 3])]);
  h = g.node('Add', [h, t]);
  h = conv(b, silu(b, groupNorm(b, h, cout)), cout, cout);
  const skip = cin === cout ? x : conv(b, x, cin, cout, 1);
  return g.node('Add', [skip, h]);
}

/** Scaled dot-product attention of q [B, n, d] over k, v [B, m, d]. */
function attend(b: Blocks, q: string, k: string, v: string, d: number): string {
  const { g } = b;
  const scores = g.node('Mul', [
    g.node('MatMul', [q, g.node('Transpose', [k], { perm: [0, 2, 1] })]),
    g.scalar(1 / Math.sqrt(d)),
  ]);
  return g.node('MatMul', [g.node('Softmax', [scores], { axis: -1 }), v]);
}

/** Self-attention over the pixels, then cross-attention to the text, with residuals. */
export function attentionBlock(
  b: Blocks,
  x: string,
  channels: number,
  context: string,
  contextDim: number,
): string {
  const { g } = b;
  const shape = g.node('Shape', [x]);
  const tokens = g.node(
    'Transpose',
    [g.node('Reshape', [groupNorm(b, x, channels), g.ints([0, channels, -1])])],
    { perm: [0, 2, 1] },
  );
  const self = attend(
    b,
    linear(b, tokens, channels, channels),
    linear(b, tokens, channels, channels),
    linear(b, tokens, channels, channels),
    channels,
  );
  const afterSelf = g.node('Add', [tokens, linear(b, self, channels, channels)]);
  const cross = attend(
    b,
    linear(b, afterSelf, channels, channels),
    linear(b, context, contextDim, channels),
    linear(b, context, contextDim, channels),
    channels,
  );
  const out = g.node('Add', [afterSelf, linear(b, cross, channels, channels)]);
  const image = g.node('Reshape', [g.node('Transpose', [out], { perm: [0, 2, 1] }), shape]);
  return g.node('Add', [x, image]);
}
