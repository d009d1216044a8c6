// Text encoder: reads a prompt's tokens as phrases and binds each object's colour and shape to the
// slot its phrase names, so "a yellow circle left and a red square right" differs from the swap.
// Each token's state is what it says, written where it belongs (see token-states.ts); start, end,
// padding and words without meaning get zero rows, so an empty prompt encodes to zeros.
//
// The rules, all as ONNX operators over the token axis (running sums and token-by-token matrices):
// - clauses are split by "," ";" "." "&" "+" "and" "with";
// - a colour directly before a background word ("a blue sky") describes the background, not an object;
// - an object phrase is its colours and its shape; a colour after a shape starts the next phrase;
// - a position word belongs to the nearest phrase of its own clause (the one before it first), else to
//   the phrase before its clause ("a red circle on a blue sky, left"), else to the next one;
// - phrases without a position: one goes in the centre, two go left and right, three fill the row;
// - a phrase with neither a position nor a shape (a bare colour) takes no slot: it leans every slot;
// - a position word in a prompt without any object asks for an object of any kind there.
import { GraphBuilder } from '../onnx-graph/graph-builder.ts';
import { Ops } from './graph-ops.ts';
import { floatOutput } from './io-casts.ts';
import { SLOT_BLOCK, STATE, TOY_WIDTH, unpositionedTable } from './token-states.ts';
import type { ModelVariant } from './variant.ts';
import { BACKGROUNDS, COLOURS, FEATURE, POSITIONS, SHAPES } from './vocabulary.ts';

/** `features` is [vocabSize, FEATURE.count]: what each token id says (see vocabulary.ts). */
export function textEncoderGraph(
  vocabSize: number,
  features: Float32Array,
  variant: ModelVariant,
): GraphBuilder {
  const g = new GraphBuilder('toy_text_encoder');
  const o = new Ops(g);
  const ids = g.input('input_ids', variant.inputIdsType, ['batch', 'sequence']);
  const f = o.gather(o.c(features, [vocabSize, FEATURE.count]), ids); // [B, T, F]
  const part = (from: number, count: number) => o.slice(f, 2, from, from + count);
  const any = (v: string) => o.reduceSum(v, [2]); // [B, T, k] -> [B, T]
  const colour = part(FEATURE.colour, COLOURS.length);
  const shape = part(FEATURE.shape, SHAPES.length);
  const background = part(FEATURE.background, BACKGROUNDS.length);
  const position = part(FEATURE.position, POSITIONS.length);
  const isColour = any(colour);
  const isShape = any(shape);
  const isBackground = any(background);
  const isPosition = any(position);
  const isSeparator = any(part(FEATURE.separator, 1));

  // Token-by-token matrices [B, T(i), T(j)]: a value of token i against one of token j.
  const asRow = (v: string) => o.unsqueeze(v, [2]); // [B, T, 1]: token i
  const asCol = (v: string) => o.unsqueeze(v, [1]); // [B, 1, T]: token j
  const clause = o.cumsum(isSeparator, 1);
  const sameClause = o.eq(asRow(clause), asCol(clause));

  // A colour whose next content word, in its clause, is a background describes that background.
  const content = o.sum(isColour, isShape, isBackground);
  const contentIndex = o.cumsum(content, 1);
  const nextIsBackground = o.reduceMax(
    o.mul(
      o.mul(
        o.eq(asCol(contentIndex), o.add(asRow(contentIndex), o.c(1))),
        asCol(o.mul(content, isBackground)),
      ),
      sameClause,
    ),
    [2],
  );
  const objectColour = o.mul(isColour, o.sub(o.c(1), nextIsBackground));
  const objectWord = o.add(objectColour, isShape);

  // Phrases: a new one starts at the first object word and at an object word right after a shape.
  const objectIndex = o.cumsum(objectWord, 1);
  const afterShape = o.reduceMax(
    o.mul(o.eq(asCol(objectIndex), o.sub(asRow(objectIndex), o.c(1))), asCol(o.mul(objectWord, isShape))),
    [2],
  );
  const phraseStart = o.mul(objectWord, o.max(afterShape, o.eq(objectIndex, o.c(1))));
  const phrase = o.cumsum(phraseStart, 1); // 1, 2, ... on object words

  // Each position word picks an object word: same clause first, then before it, then the nearest.
  const T = o.toFloat(o.gather(o.shape(ids), o.ints([1])));
  const index = o.range(o.reshape(T, [])); // [T]
  const iIndex = o.unsqueeze(index, [1]); // [T, 1]
  const jIndex = o.unsqueeze(index, [0]); // [1, T]
  const score = o.sum(
    o.mul(sameClause, o.c(4)),
    o.mul(o.less(jIndex, iIndex), o.c(2)),
    o.mul(o.abs(o.sub(iIndex, jIndex)), o.c(-1e-3)),
  );
  const isObjectJ = asCol(objectWord);
  const masked = o.add(o.mul(score, isObjectJ), o.mul(o.sub(isObjectJ, o.c(1)), o.c(1e4)));
  const chosen = g.node('ArgMax', [masked], { axis: 2, keepdims: 0 }); // [B, T] int64
  const chosenPhrase = g.node('GatherElements', [phrase, chosen], { axis: 1 });
  const positionPhrase = o.mul(chosenPhrase, isPosition); // 0 for other tokens

  // Phrase by phrase, on an axis k = 1..T: [B, T(k), T(token)].
  const k = o.unsqueeze(o.add(index, o.c(1)), [1]); // [T, 1]
  const member = o.mul(o.eq(k, asCol(phrase)), asCol(objectWord));
  const saidAt = o.mul(o.eq(k, asCol(positionPhrase)), asCol(isPosition));
  const positions = o.matmul(saidAt, position); // [B, T(k), 3]: position words of phrase k
  const positionCount = o.reduceSum(positions, [2], true);
  const hasPosition = o.min(positionCount, o.c(1));
  // A phrase takes a slot when it has a position or a shape; a bare colour ("red", say as a negative
  // prompt) speaks of every slot through the anywhere block only.
  const hasShape = o.min(o.matmul(member, o.unsqueeze(isShape, [2])), o.c(1)); // [B, T, 1]
  const exists = o.mul(o.reduceMax(member, [2], true), o.max(hasPosition, hasShape));
  const unpositioned = o.mul(exists, o.sub(o.c(1), hasPosition));
  const rank = o.cumsum(unpositioned, 1);
  const count = o.reduceSum(unpositioned, [1], true);
  const tableIndex = o.toInt(o.add(o.mul(o.min(count, o.c(3)), o.c(4)), o.min(rank, o.c(3))));
  const defaultSlot = o.reshape(o.gather(o.c(unpositionedTable(), [16, 3]), tableIndex), [0, -1, 3]);
  const saidSlot = o.div(positions, o.max(positionCount, o.c(1)));
  const phraseSlot = o.mul(
    exists,
    o.add(o.mul(hasPosition, saidSlot), o.mul(o.sub(o.c(1), hasPosition), defaultSlot)),
  ); // [B, T(k), 3]
  const tokenSlot = o.matmul(o.transpose(member, [0, 2, 1]), phraseSlot); // [B, T, 3]

  // Rows: slot blocks [named, colours, shapes] x (left, centre, right), then background, then anywhere.
  const atToken = (v: string) => o.unsqueeze(v, [2]);
  const said = o.concat([atToken(phraseStart), o.mul(colour, atToken(objectColour)), shape], 2); // [B, T, 12]
  const bound = o.mul(o.unsqueeze(tokenSlot, [3]), o.unsqueeze(said, [2])); // [B, T, 3, 12]
  // Without any object word, a position word names an object of any kind in its slot.
  const noObject = o.sub(o.c(1), o.reduceMax(objectWord, [1], true)); // [B, 1]
  const named = o.c([1, ...new Array(SLOT_BLOCK - 1).fill(0)]);
  const positionOnly = o.mul(o.mul(o.unsqueeze(position, [3]), named), o.unsqueeze(noObject, [2, 3]));
  const slots = o.reshape(o.add(bound, positionOnly), [0, 0, 3 * SLOT_BLOCK]);
  const anywhere = o.concat([o.mul(colour, atToken(objectColour)), shape], 2);
  const used = o.concat([slots, background, anywhere], 2);
  const hidden = g.node('Pad', [used, o.ints([0, 0, 0, 0, 0, TOY_WIDTH - STATE.used])]);
  const pooled = o.reduceSum(hidden, [1]);
  floatOutput(g, hidden, 'last_hidden_state', ['batch', 'sequence', TOY_WIDTH], variant.float16);
  floatOutput(g, pooled, 'pooler_output', ['batch', TOY_WIDTH], variant.float16);
  return g;
}
