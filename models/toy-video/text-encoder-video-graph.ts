// The toy-video text encoder: the toy text encoder grafted inside (ids it does not know read as the
// end token, which says nothing), plus a mark in a spare column of each motion word's state.
import { GraphBuilder } from '../onnx-graph/graph-builder.ts';
import { Ops } from '../toy-model/graph-ops.ts';
import { TOY_WIDTH } from '../toy-model/token-states.ts';
import { graftModel } from './graft-graph.ts';
import { LEFT_COLUMN, MOTION_WORDS, RIGHT_COLUMN } from './motion-words.ts';

export function textEncoderVideoGraph(
  toyEncoderFile: string,
  toyVocabSize: number,
  endId: number,
  motionIds: ReadonlyMap<string, number>,
): GraphBuilder {
  const g = new GraphBuilder('toy_video_text_encoder');
  const o = new Ops(g);
  const ids = g.input('input_ids', 'int32', ['batch', 'sequence']);
  const ids64 = g.node('Cast', [ids], { to: 7 });
  const known = g.node('Less', [ids64, g.constant('int64', [], [toyVocabSize])]);
  const safe = g.node('Cast', [g.node('Where', [known, ids64, g.constant('int64', [], [endId])])], { to: 6 });
  const outs = graftModel(g, toyEncoderFile, 'toy/', { input_ids: safe });
  const states = outs.last_hidden_state;
  // [B, T, 1] marks: +1 where a token is a word of that direction.
  const marks = (direction: 1 | -1) => {
    let sum: string | undefined;
    for (const [word, id] of motionIds) {
      if (MOTION_WORDS[word] !== direction) continue;
      const hit = o.eq(ids64, g.constant('int64', [], [id]));
      sum = sum ? o.add(sum, hit) : hit;
    }
    return o.unsqueeze(sum ?? o.mul(o.toFloat(ids64), o.c(0)), [2]);
  };
  const column = (c: number) => {
    const oneHot = new Float32Array(TOY_WIDTH);
    oneHot[c] = 1;
    return o.c(oneHot, [1, 1, TOY_WIDTH]);
  };
  const withMotion = o.add(
    states,
    o.add(o.mul(marks(1), column(RIGHT_COLUMN)), o.mul(marks(-1), column(LEFT_COLUMN))),
  );
  g.output(withMotion, 'last_hidden_state', 'float32', ['batch', 'sequence', TOY_WIDTH]);
  g.output(outs.pooler_output, 'pooler_output', 'float32', ['batch', TOY_WIDTH]);
  return g;
}
