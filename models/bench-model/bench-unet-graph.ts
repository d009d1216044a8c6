// The bench model's UNet: random weights with the operator mix of an SD UNet at a reduced width
// (down to 1/4 size and back with skips, attention at the two lower levels), the same inputs and
// outputs as the toy UNet. It draws noise; it exists to time the pipeline around session.run.
import { GraphBuilder } from '../onnx-graph/graph-builder.ts';
import { SeededWeights } from './seeded-weights.ts';
import { attentionBlock, type Blocks, conv, groupNorm, resBlock, silu } from './unet-blocks.ts';

export const BENCH_CHANNELS = 64;

export function benchUnetGraph(contextDim: number): GraphBuilder {
  const g = new GraphBuilder('bench_unet');
  const b: Blocks = { g, w: new SeededWeights(20261122) };
  const c = BENCH_CHANNELS;
  const tdim = 4 * c;
  const sample = g.input('sample', 'float32', ['batch', 4, 'height', 'width']);
  const timestep = g.input('timestep', 'float32', [1]);
  const context = g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', contextDim]);

  // Sinusoidal timestep embedding, then a two-layer MLP.
  const half = c / 2;
  const freqs = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const angles = g.node('Mul', [
    g.node('Unsqueeze', [timestep, g.ints([1])]),
    g.constant('float32', [1, half], freqs),
  ]);
  const sinusoid = g.node('Concat', [g.node('Sin', [angles]), g.node('Cos', [angles])], { axis: 1 });
  const mlp1 = g.node('MatMul', [
    sinusoid,
    g.constant('float32', [c, tdim], b.w.normal(c * tdim, Math.sqrt(1 / c))),
  ]);
  const temb = g.node('MatMul', [
    silu(b, mlp1),
    g.constant('float32', [tdim, tdim], b.w.normal(tdim * tdim, Math.sqrt(1 / tdim))),
  ]);

  const h0 = conv(b, sample, 4, c);
  const h1 = resBlock(b, h0, c, c, temb, tdim);
  const d1 = conv(b, h1, c, c, 3, 2);
  const h2 = attentionBlock(b, resBlock(b, d1, c, 2 * c, temb, tdim), 2 * c, context, contextDim);
  const d2 = conv(b, h2, 2 * c, 2 * c, 3, 2);
  const mid = attentionBlock(b, resBlock(b, d2, 2 * c, 2 * c, temb, tdim), 2 * c, context, contextDim);

  const up = (x: string) =>
    g.node('Resize', [x, '', g.constant('float32', [4], [1, 1, 2, 2])], { mode: 'nearest' });
  const u2 = resBlock(b, g.node('Concat', [up(mid), h2], { axis: 1 }), 4 * c, 2 * c, temb, tdim);
  const u2a = attentionBlock(b, u2, 2 * c, context, contextDim);
  const u1 = resBlock(b, g.node('Concat', [up(u2a), h1], { axis: 1 }), 3 * c, c, temb, tdim);
  const out = conv(b, silu(b, groupNorm(b, u1, c)), c, 4);
  // Scaled down so the random prediction is about unit size, like a real noise prediction.
  g.output(g.node('Mul', [out, g.scalar(0.5)]), 'out_sample', 'float32', ['batch', 4, 'height', 'width']);
  return g;
}
