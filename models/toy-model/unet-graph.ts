// The toy UNet: the exact posterior-mean noise prediction for pictures drawn from the toy prior
// (docs/toy-model.md). A picture is a background b and either one large object (single layout) or a
// row of three slots j, each empty or holding an object; slot pieces cover disjoint columns, so
//   ||x - sqrt(abar) z||^2 splits into a sum over slots, and for each layout and background
//   p(b, layout | x) ∝ prior * prod_j sum_o exp(l_j(o, b)),  p(o_j | b, layout, x) ∝ exp(l_j(o, b)),
//   l_j(o, b) = (sqrt(abar) <x, piece> - abar/2 ||piece||^2) / (1 - abar) + log-prior(o at j | prompt),
//   x0_hat = sum over layouts, b, j, o of the posterior times the piece,  eps = (x - sqrt(abar) x0_hat) / sqrt(1 - abar).
// Dot products and norms of pieces are expanded over the three maps of shape-maps-graph.ts, so the
// cost grows with (slots x states x backgrounds) maps of the latent, not with the number of pictures.
// The inpaint variant reads [x, mask, masked_image_latents] and adds -lambda ||(1 - mask)(masked - piece)||^2.
// Every background and every slot's content also carries a code in the latent direction the decoder
// does not see (Walsh patterns, docs/toy-model.md "Codes"): invisible, but it sets the scenes apart.
// Along that direction a picture also has Gaussian spread around its codes, so they are seen through
// variance 1 - abar + abar * spread and weigh little at low noise.
import { GraphBuilder } from '../onnx-graph/graph-builder.ts';
import { Ops } from './graph-ops.ts';
import { floatInput, floatOutput } from './io-casts.ts';
import { SINGLE_LAYOUT } from './prior.ts';
import { PROMPT_INPUTS, PROMPT_OUTPUTS, SLOT_STATE_COLUMNS, STATES } from './prompt-prior.ts';
import { shapeMaps } from './shape-maps-graph.ts';
import { STATE, TOY_WIDTH } from './token-states.ts';
import type { ModelVariant } from './variant.ts';
import { BACKGROUNDS, COLOURS } from './vocabulary.ts';

export interface UnetWeights {
  /** Background latents [backgrounds, 4, size, size], scaled latent space. */
  backgrounds: Float32Array;
  backgroundSize: number;
  /** The decoder's null direction [4], and the size per latent cell of the background and colour codes along it. */
  hidden: number[];
  backgroundCodeSize: number;
  colourCodeSize: number;
  /** Variance per latent cell of the picture's spread along the null direction around its codes. */
  codeSpread: number;
  /** Object colours [colours, 4] and the dark of outlines and shadows [4], scaled latents. */
  colours: Float32Array;
  dark: number[];
  alphasCumprod: Float32Array;
  /** [PROMPT_INPUTS, PROMPT_OUTPUTS] and [SLOTS, STATES, 1, COLOURS], from prompt-prior.ts. */
  promptTable: Float32Array;
  basePrior: Float32Array;
  /** The latent size the prompt table is stated for. */
  referenceLatent: number;
  lambda: number;
}

const NB = BACKGROUNDS.length;
const NC = COLOURS.length;
const PIECES = 16; // slots x states

export function unetGraph(w: UnetWeights, inpaint: boolean, variant: ModelVariant): GraphBuilder {
  const g = new GraphBuilder(inpaint ? 'toy_unet_inpaint' : 'toy_unet');
  const o = new Ops(g);
  const channels = inpaint ? 9 : 4;
  const sample = floatInput(g, 'sample', ['batch', channels, 'height', 'width'], variant.float16);
  const tShape = variant.timestepShape === 'scalar' ? [] : variant.timestepShape === 'one' ? [1] : ['batch'];
  // Half-precision exports take the timestep in float16 too.
  const tType = variant.float16 && variant.timestepType === 'float32' ? 'float16' : variant.timestepType;
  const timestep = g.input('timestep', tType, tShape);
  const hidden = floatInput(g, 'encoder_hidden_states', ['batch', 'sequence', TOY_WIDTH], variant.float16);

  const x = inpaint ? o.slice(sample, 1, 0, 4) : sample;
  const xShape = o.shape(x);
  const size = o.slice(xShape, 0, 2, 4); // [h, w] int64
  const dim = (i: number) => o.reshape(o.toFloat(o.slice(xShape, 0, i, i + 1)), []);
  const h = dim(2);
  const wd = dim(3);
  const cells = o.mul(h, wd);

  // abar for each row (or one for all), shaped to broadcast over [B, pieces, backgrounds, colours].
  const tFloat = o.toFloat(timestep);
  const tIndex = o.toInt(
    g.node('Clip', [g.node('Round', [tFloat]), o.c(0), o.c(w.alphasCumprod.length - 1)]),
  );
  const abar = o.reshape(o.gather(o.c(w.alphasCumprod), tIndex), [-1, 1, 1, 1]);
  const sqrtAbar = o.sqrt(abar);
  const oneMinus = o.sub(o.c(1), abar);
  // Along the null direction a picture is its codes plus Gaussian spread of variance codeSpread per
  // cell, so there x is seen with variance 1 - abar + abar * spread: the codes tell scenes apart at
  // high noise as before, but an encoded picture's noise (img2img) says less about them.
  const codeVar = o.add(oneMinus, o.mul(abar, o.c(w.codeSpread)));
  const codeVarRow = o.reshape(codeVar, [-1, 1]);
  const sqrtAbarRow = o.reshape(sqrtAbar, [-1, 1]);

  const maps = shapeMaps(o, h, wd);
  // Backgrounds at the sample's size: [NB, 4, hw].
  const bSize = w.backgroundSize;
  const bgSized = g.node(
    'Resize',
    [o.c(w.backgrounds, [NB, 4, bSize, bSize]), '', '', o.concat([o.ints([NB, 4]), size], 0)],
    { mode: 'linear', coordinate_transformation_mode: 'half_pixel' },
  );
  const bg = o.reshape(bgSized, [NB, 4, -1]);
  const colours = o.c(w.colours, [NC, 4]);
  const coloursT = o.transpose(colours, [1, 0]); // [4, NC]
  const dark = o.c(w.dark, [4, 1]);
  const darkNorm = w.dark.reduce((s, v) => s + v * v, 0);
  const colourNorms = o.c(
    COLOURS.map((_, c) => [0, 1, 2, 3].reduce((s, k) => s + w.colours[c * 4 + k] ** 2, 0)),
  );
  const darkDotColour = o.c(
    COLOURS.map((_, c) => [0, 1, 2, 3].reduce((s, k) => s + w.colours[c * 4 + k] * w.dark[k], 0)),
  );
  const bgSquared = o.reduceSum(o.mul(bg, bg), [1]); // [NB, hw]
  const bgDotDark = o.reshape(o.matmul(o.transpose(bg, [0, 2, 1]), dark), [NB, -1]); // [NB, hw]
  const bgByCell = o.reshape(o.transpose(bg, [2, 0, 1]), [-1, NB * 4]); // [hw, NB*4]
  const colours5 = o.reshape(coloursT, [4, NC]); // for [.., 1, 4] x [4, NC]

  /** Sums of y against each map: [B, 16, NB, 1] on backgrounds, [B, 16, 1, 1] on the dark, [B, 16, 4] under objects. */
  const against = (y: string) => {
    const yBg = o.reduceSum(o.mul(o.unsqueeze(y, [1]), bg), [2]); // [B, NB, hw]
    const onMap = (m: string) => o.transpose(o.matmul(y, o.transpose(m, [1, 0])), [0, 2, 1]); // [B, 16, 4]
    return {
      background: o.unsqueeze(
        o.transpose(o.matmul(yBg, o.transpose(maps.background, [1, 0])), [0, 2, 1]),
        [3],
      ),
      dark: o.unsqueeze(o.matmul(onMap(maps.dark), dark), [3]),
      object: onMap(maps.object),
    };
  };
  /** Sums of map products, optionally weighted per cell by `weight` [B, 1, hw] (leading dim 1 or B). */
  const pieceSums = (weight?: string) => {
    const product = (a: string, b: string) => (weight ? o.mul(o.mul(a, b), weight) : o.mul(a, b));
    const total = (m: string) => o.unsqueeze(o.reduceSum(m, [-1], true), [-1]); // [.., 16, 1, 1]
    const bgObject = o.matmul(product(maps.background, maps.object), bgByCell); // [.., 16, NB*4]
    return {
      bgBg: o.unsqueeze(
        o.matmul(product(maps.background, maps.background), o.transpose(bgSquared, [1, 0])),
        [-1],
      ),
      bgDark: o.unsqueeze(
        o.matmul(product(maps.background, maps.dark), o.transpose(bgDotDark, [1, 0])),
        [-1],
      ),
      /** sum of object * background * B_b per channel: [.., 16, NB, 1, 4]. */
      bgUnderObject: o.unsqueeze(o.reshape(bgObject, [-1, PIECES, NB, 4]), [3]),
      darkDark: total(product(maps.dark, maps.dark)),
      objectObject: total(product(maps.object, maps.object)),
      darkObject: total(product(maps.dark, maps.object)),
    };
  };
  /** <y, piece> with the palette colour: [B, 16, NB, NC]. */
  const dotWith = (a: ReturnType<typeof against>) =>
    o.sum(a.background, a.dark, o.unsqueeze(o.matmul(a.object, coloursT), [2]));
  /** ||piece||^2 with the palette colour: [.., 16, NB, NC]. */
  const normOf = (p: ReturnType<typeof pieceSums>) =>
    o.sum(
      p.bgBg,
      o.mul(p.darkDark, o.c(darkNorm)),
      o.mul(p.objectObject, colourNorms),
      o.mul(
        o.sum(
          p.bgDark,
          o.reshape(o.matmul(p.bgUnderObject, colours5), [-1, PIECES, NB, NC]),
          o.mul(p.darkObject, darkDotColour),
        ),
        o.c(2),
      ),
    );
  const flat = (v: string) => o.reshape(v, [0, 4, -1]);
  const onX = against(flat(x));
  const sums = pieceSums();
  // The shared |x|^2 is left out: every picture covers every cell, so it cancels.
  let logit = o.div(
    o.sub(o.mul(sqrtAbar, dotWith(onX)), o.mul(o.mul(abar, o.c(0.5)), normOf(sums))),
    oneMinus,
  );
  if (inpaint) {
    const visible = o.reshape(o.sub(o.c(1), o.slice(sample, 1, 4, 5)), [0, 1, -1]); // [B, 1, hw]
    const masked = o.mul(flat(o.slice(sample, 1, 5, 9)), visible);
    const onMasked = against(masked);
    const seen = pieceSums(visible);
    const agreement = o.sub(o.mul(dotWith(onMasked), o.c(2)), normOf(seen));
    logit = o.add(logit, o.mul(agreement, o.c(w.lambda)));
  }

  // The prompt: summed token states, plus "stays empty" for each row slot, times the prompt table.
  const said = o.reduceSum(hidden, [1]); // [B, width]
  const named = [0, 1, 2].map((j) => o.slice(said, 1, STATE.slot(j), STATE.slot(j) + 1));
  const anyNamed = o.min(o.sum(...named), o.c(1));
  const stayEmpty = named.map((n) => o.sub(anyNamed, o.min(n, o.c(1))));
  const promptIn = o.concat([said, ...stayEmpty], 1); // [B, PROMPT_INPUTS]
  const sizeScale = o.div(cells, o.c(w.referenceLatent * w.referenceLatent));
  const prompt = o.mul(o.matmul(promptIn, o.c(w.promptTable, [PROMPT_INPUTS, PROMPT_OUTPUTS])), sizeScale);
  const slotPrompt = o.reshape(o.slice(prompt, 1, 0, SLOT_STATE_COLUMNS), [0, PIECES, 1, NC]);
  const bgPrompt = o.reshape(o.slice(prompt, 1, SLOT_STATE_COLUMNS, PROMPT_OUTPUTS), [0, 1, NB]);
  logit = o.sum(logit, slotPrompt, o.c(w.basePrior, [PIECES, 1, NC]));

  // Background codes: a layer C_b over the whole picture in the hidden direction, orthogonal to every
  // slot piece (pieces are visible colours), so it adds the same (sqrt(abar) <x, C_b> - abar/2 |C_b|^2) / codeVar
  // to every layout with background b and C_b, weighted by p(b | x), to x0.
  const codes = walshCodes(o, h, wd, BACKGROUND_CODE_BITS, w.backgroundCodeSize); // [NB, hw]
  const hiddenDirection = o.c(w.hidden, [1, 4, 1]);
  const xHidden = o.reduceSum(o.mul(flat(x), hiddenDirection), [1]); // [B, hw]
  const codeDot = o.matmul(xHidden, o.transpose(codes, [1, 0])); // [B, NB]
  // Colour codes: slot q's piece also carries K_k on the slot's circle R_q in the hidden direction, k = 0
  // for an empty slot and 1 + c for colour c; adds (sqrt(abar) <x, K_k R_q> - abar/2 (|K_k R_q|^2 + 2 <C_b, K_k R_q>)) / codeVar.
  const colourCodes = colourCodeLayer(o, h, wd, maps, codes, w.colourCodeSize); // see below
  const xCodes = o.reshape(colourCodes.dotWith(xHidden), [0, PIECES, 1, CODES]);
  const onColours = (v: string) => o.matmul(v, o.c(CODE_OF_COLOUR.flat(2), [PIECES, CODES, NC]));
  logit = o.add(
    logit,
    o.div(
      o.sub(
        o.mul(sqrtAbar, onColours(xCodes)),
        o.mul(
          o.mul(abar, o.c(0.5)),
          o.add(colourCodes.norm, o.mul(onColours(colourCodes.withBackground), o.c(2))),
        ),
      ),
      codeVar,
    ),
  );

  // Posterior: per slot over (state, colour), then over (layout, background).
  const perSlot = o.reshape(logit, [0, 4, STATES, NB, NC]);
  const slotTotal = o.logSumExp(perSlot, [2, 4], true); // [B, 4, 1, NB, 1]
  const slotPosterior = o.exp(o.sub(perSlot, slotTotal));
  const totals = o.reshape(slotTotal, [0, 4, NB]);
  const single = o.add(o.slice(totals, 1, 0, 1), o.c(Math.log(SINGLE_LAYOUT)));
  const row = o.add(o.reduceSum(o.slice(totals, 1, 1, 4), [1], true), o.c(Math.log(1 - SINGLE_LAYOUT)));
  const codeNorm = o.reduceSum(o.mul(codes, codes), [1]); // [NB]
  const codeLogit = o.reshape(
    o.div(
      o.sub(o.mul(sqrtAbarRow, codeDot), o.mul(o.mul(o.reshape(abar, [-1, 1]), o.c(0.5)), codeNorm)),
      codeVarRow,
    ),
    [0, 1, NB],
  );
  const layout = o.reshape(
    o.softmax(o.reshape(o.sum(o.concat([single, row], 1), bgPrompt, codeLogit), [0, -1]), 1),
    [0, 2, NB],
  );
  const layoutOfSlot = o.gather(layout, o.ints([0, 1, 1, 1]), 1); // [B, 4, NB]
  const weight = o.reshape(o.mul(o.reshape(layoutOfSlot, [0, 4, 1, NB, 1]), slotPosterior), [
    0,
    PIECES,
    NB,
    NC,
  ]);

  // x0_hat = sum of pieces times their posterior weight, map by map.
  const bgWeight = o.reduceSum(weight, [3]); // [B, 16, NB]
  const bgCover = o.matmul(o.transpose(bgWeight, [0, 2, 1]), maps.background); // [B, NB, hw]
  const x0Bg = o.reduceSum(o.mul(o.unsqueeze(bgCover, [2]), bg), [1]); // [B, 4, hw]
  const darkCover = o.matmul(o.unsqueeze(o.reduceSum(weight, [2, 3]), [1]), maps.dark); // [B, 1, hw]
  const x0Dark = o.mul(darkCover, dark);
  const colourWeight = o.matmul(o.reduceSum(weight, [2]), colours); // [B, 16, 4]
  const x0Object = o.matmul(o.transpose(colourWeight, [0, 2, 1]), maps.object); // [B, 4, hw]
  // Along the null direction: the codes weighted by their posterior, plus the spread's posterior mean,
  // sqrt(abar) spread / codeVar times what x shows beyond the codes.
  const codeWeight = o.matmul(
    o.unsqueeze(o.reduceSum(weight, [2]), [2]),
    o.c(transposeCodes(CODE_OF_COLOUR).flat(2), [PIECES, NC, CODES]),
  ); // [B, 16, 1, CODES]
  const codeMean = o.add(
    o.matmul(o.reduceSum(layout, [1]), codes),
    colourCodes.weighted(o.reshape(codeWeight, [0, PIECES, CODES])),
  ); // [B, hw]
  const spreadGain = o.div(o.mul(sqrtAbarRow, o.c(w.codeSpread)), codeVarRow);
  const hiddenMean = o.add(codeMean, o.mul(spreadGain, o.sub(xHidden, o.mul(sqrtAbarRow, codeMean))));
  const x0Hidden = o.mul(o.unsqueeze(hiddenMean, [1]), hiddenDirection); // [B, 4, hw]
  const x0 = o.reshape(o.sum(x0Bg, x0Dark, x0Object, x0Hidden), xShape);
  const eps = o.div(o.sub(x, o.mul(sqrtAbar, x0)), o.sqrt(oneMinus));
  floatOutput(g, eps, 'out_sample', ['batch', 4, 'height', 'width'], variant.float16);
  return g;
}

/** Colour codes: one for an empty slot, one per colour. */
const CODES = 1 + NC;
/** Walsh patterns of the codes: which bits of (x mod 4) and of (y mod 4) flip the sign. */
const CODE_BITS: readonly (readonly [number, number])[] = [
  [1, 0],
  [2, 0],
  [3, 0],
  [0, 1],
  [0, 2],
  [0, 3],
  [1, 1],
  [2, 2],
  [3, 3],
];
/** [PIECES, CODES, NC]: piece (slot, state) with colour c carries code 0 when empty, else 1 + c. */
const CODE_OF_COLOUR: number[][][] = Array.from({ length: PIECES }, (_, p) =>
  Array.from({ length: CODES }, (_, k) =>
    Array.from({ length: NC }, (_, c) => (p % STATES === 0 ? (k === 0 ? 1 : 0) : k === 1 + c ? 1 : 0)),
  ),
);
const transposeCodes = (m: number[][][]) =>
  m.map((plane) => plane[0].map((_, c) => plane.map((row) => row[c])));

/**
 * The colour codes at the sample's size: code k on the circle R_p of piece p's slot, kept as the two
 * factors (circles [PIECES, hw], patterns [CODES, hw]) so no [PIECES * CODES, hw] tensor is made.
 * dotWith(y [B, hw]) gives <y, R_p W_k> [B, PIECES, CODES]; weighted(v [B, PIECES, CODES]) gives
 * sum_{p,k} v R_p W_k [B, hw]; norm [PIECES, 1, 1] is |R_p W_k|^2, the same for every k, and
 * withBackground [PIECES, NB, CODES] is <C_b, R_p W_k>.
 */
function colourCodeLayer(
  o: Ops,
  h: string,
  wd: string,
  maps: ReturnType<typeof shapeMaps>,
  backgroundCodes: string,
  size: number,
) {
  const codes = walshCodes(o, h, wd, CODE_BITS, size); // [CODES, hw]
  // Every state of a slot carries its code over the same region, the slot's circle, so all codes of
  // a slot have the same norm and a picture without codes (an encoded one) favours none of them.
  const circleOfSlot = Array.from({ length: PIECES }, (_, p) => p - (p % STATES) + 1);
  const region = o.gather(maps.object, o.ints(circleOfSlot), 0); // [PIECES, hw]
  const dotWith = (y: string) =>
    o.transpose(o.matmul(o.mul(o.unsqueeze(y, [1]), codes), o.transpose(region, [1, 0])), [0, 2, 1]);
  const weighted = (v: string) => o.reduceSum(o.mul(o.matmul(o.transpose(v, [0, 2, 1]), region), codes), [1]);
  // W_k^2 = size^2 in every cell, so |R_p W_k|^2 = size^2 |R_p|^2 whatever the code: [PIECES, 1, 1].
  const norm = o.reshape(o.mul(o.reduceSum(o.mul(region, region), [1]), o.c(size * size)), [PIECES, 1, 1]);
  const codesByBackground = o.reshape(o.mul(o.unsqueeze(codes, [1]), o.unsqueeze(backgroundCodes, [0])), [
    CODES * NB,
    -1,
  ]);
  const withBackground = o.transpose(
    o.reshape(o.matmul(region, o.transpose(codesByBackground, [1, 0])), [PIECES, CODES, NB]),
    [0, 2, 1],
  ); // [PIECES, NB, CODES]
  return { dotWith, weighted, norm, withBackground };
}

/** Background codes: the six Walsh patterns the colour codes leave. */
const BACKGROUND_CODE_BITS: readonly (readonly [number, number])[] = [
  [1, 2],
  [1, 3],
  [2, 1],
  [2, 3],
  [3, 1],
  [3, 2],
];

/**
 * Walsh patterns over the latent cells, [patterns, hw], times `size`: pattern [bx, by] is the product of
 * the signs (-1)^bit of the bits `bx` selects of (x mod 4) and `by` of (y mod 4) (1: bit 0, 2: bit 1, 3: both).
 * Any two differ, so over every 4 x 4 tile of cells they are orthogonal.
 */
function walshCodes(
  o: Ops,
  h: string,
  wd: string,
  bits: readonly (readonly [number, number])[],
  size: number,
) {
  const signs = (n: string) => {
    const i = o.range(n);
    const bit = (j: number) => {
      const q = o.g.node('Floor', [o.div(i, o.c(2 ** j))]);
      return o.sub(q, o.mul(o.g.node('Floor', [o.div(q, o.c(2))]), o.c(2)));
    };
    const flip = (b: string) => o.sub(o.c(1), o.mul(b, o.c(2)));
    const b0 = flip(bit(0));
    const b1 = flip(bit(1));
    return [o.add(o.mul(b0, o.c(0)), o.c(1)), b0, b1, o.mul(b0, b1)];
  };
  const xs = signs(wd);
  const ys = signs(h);
  const patterns = bits.map(([bx, by]) =>
    o.reshape(o.mul(o.unsqueeze(ys[by], [1]), o.unsqueeze(xs[bx], [0])), [1, -1]),
  );
  return o.mul(o.concat(patterns, 0), o.c(size));
}
