// Text encoder: an embedding lookup. Known words have their meaning's row (see the builder); start,
// end, padding and every other token have a zero row, so an empty prompt encodes to zeros.
import { GraphBuilder } from '../onnx-graph/graph-builder.ts';
import { floatOutput } from './io-casts.ts';
import type { ModelVariant } from './variant.ts';

/** `table` is [vocabSize, width]: one embedding row per token id. */
export function textEncoderGraph(
  vocabSize: number,
  width: number,
  table: Float32Array,
  variant: ModelVariant,
): GraphBuilder {
  const g = new GraphBuilder('toy_text_encoder');
  const ids = g.input('input_ids', variant.inputIdsType, ['batch', 'sequence']);
  const hidden = g.node('Gather', [g.constant('float32', [vocabSize, width], table), ids], { axis: 0 });
  const pooled = g.node('ReduceSum', [hidden, g.ints([1])], { keepdims: 0 });
  floatOutput(g, hidden, 'last_hidden_state', ['batch', 'sequence', width], variant.float16);
  floatOutput(g, pooled, 'pooler_output', ['batch', width], variant.float16);
  return g;
}
