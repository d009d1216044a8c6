// Reads a toy picture back as a scene: which colour sits at each slot and which background is
// around them, by nearest palette colour, so tests can say what a picture shows.
import { SLOTS } from '../../models/toy-model/layout.ts';
import { BACKDROP, OBJECT_RGB, type Rgb } from '../../models/toy-model/palette.ts';
import {
  BACKGROUNDS,
  type Background,
  COLOURS,
  type Colour,
  type Position,
} from '../../models/toy-model/vocabulary.ts';
import { type Rgb as Picture, pixel } from '../helpers/picture.ts';

export interface SceneSpec {
  background?: Background;
  left?: Colour;
  centre?: Colour;
  right?: Colour;
}

export interface SceneReading {
  background: Background;
  /** The object colour at each slot, or 'empty' where the background shows. */
  left: Colour | 'empty';
  centre: Colour | 'empty';
  right: Colour | 'empty';
}

const distance = (a: readonly number[], b: readonly number[]) =>
  Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** Mean colour of a box of the picture, clipped to the picture. */
export function boxMean(p: Picture, x0: number, y0: number, x1: number, y1: number): number[] {
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = Math.max(0, Math.round(y0)); y < Math.min(p.height, Math.round(y1)); y++)
    for (let x = Math.max(0, Math.round(x0)); x < Math.min(p.width, Math.round(x1)); x++) {
      const v = pixel(p, x, y);
      for (let c = 0; c < 3; c++) sum[c] += v[c];
      n++;
    }
  return sum.map((v) => v / n);
}

/** The background's gradient colour at a height (0 top, 1 bottom). */
function backdropAt(background: Background, f: number): Rgb {
  const { top, bottom } = BACKDROP[background];
  return [0, 1, 2].map((c) => top[c] + (bottom[c] - top[c]) * f) as unknown as Rgb;
}

/** The nearest background, judged from the four corners. */
export function readBackground(p: Picture): Background {
  const k = Math.max(4, p.height >> 4);
  const corners = [
    { colour: boxMean(p, 0, 0, k, k), f: 0 },
    { colour: boxMean(p, p.width - k, 0, p.width, k), f: 0 },
    { colour: boxMean(p, 0, p.height - k, k, p.height), f: 1 },
    { colour: boxMean(p, p.width - k, p.height - k, p.width, p.height), f: 1 },
  ];
  let best: Background = BACKGROUNDS[0];
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const b of BACKGROUNDS) {
    const d = corners.reduce((s, c) => s + distance(c.colour, backdropAt(b, c.f)), 0);
    if (d < bestDistance) [best, bestDistance] = [b, d];
  }
  return best;
}

/**
 * Mean colour inside the object of a row slot, whatever its shape: a box from the slot's centre
 * down to 0.6 radius and 0.3 radius to each side, which circles, squares and triangles all cover.
 */
export function slotColour(p: Picture, position: Position): number[] {
  const slot = SLOTS.find((s) => s.name === position)!;
  const r = slot.radius * Math.min(p.width, p.height);
  const cx = slot.x * p.width;
  const cy = 0.5 * p.height;
  return boxMean(p, cx - 0.3 * r, cy, cx + 0.3 * r, cy + 0.6 * r);
}

/** The colour word nearest to a colour, or 'empty' when the background is nearer. */
export function nameColour(colour: number[], background: Background): Colour | 'empty' {
  let best: Colour | 'empty' = 'empty';
  let bestDistance = distance(colour, backdropAt(background, 0.5));
  for (const c of COLOURS) {
    const d = distance(colour, OBJECT_RGB[c]);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

export function readScene(p: Picture): SceneReading {
  const background = readBackground(p);
  const at = (position: Position) => nameColour(slotColour(p, position), background);
  return { background, left: at('left'), centre: at('centre'), right: at('right') };
}

/**
 * What differs between a reading and a spec, in words (empty when it matches). Slots the spec does
 * not name must be empty when it names any object; the background is checked when it names one.
 */
export function mismatches(reading: SceneReading, spec: SceneSpec): string[] {
  const out: string[] = [];
  if (spec.background && reading.background !== spec.background)
    out.push(`background ${reading.background}, not ${spec.background}`);
  const namesAny = Boolean(spec.left || spec.centre || spec.right);
  for (const position of ['left', 'centre', 'right'] as const) {
    const want = spec[position] ?? (namesAny ? 'empty' : undefined);
    if (want && reading[position] !== want) out.push(`${position} ${reading[position]}, not ${want}`);
  }
  return out;
}

/**
 * The shape of the object at a row slot, from how much of its colour fills the four corner boxes
 * of its bounding square ([0.6, 0.85] radius out on both axes): a square fills all four, a triangle
 * (pointing up) only the bottom two, a circle none.
 */
export function readShape(p: Picture, position: Position | 'single'): 'circle' | 'square' | 'triangle' {
  const slot = SLOTS.find((s) => s.name === position)!;
  const r = slot.radius * Math.min(p.width, p.height);
  const cx = slot.x * p.width;
  const cy = 0.5 * p.height;
  const inside = boxMean(p, cx - 0.2 * r, cy, cx + 0.2 * r, cy + 0.4 * r);
  const outside = boxMean(p, cx - 0.1 * r, cy - 1.6 * r, cx + 0.1 * r, cy - 1.4 * r);
  const filled = (sx: number, sy: number) => {
    const [x0, x1] = sx < 0 ? [cx - 0.85 * r, cx - 0.6 * r] : [cx + 0.6 * r, cx + 0.85 * r];
    const [y0, y1] = sy < 0 ? [cy - 0.85 * r, cy - 0.6 * r] : [cy + 0.6 * r, cy + 0.85 * r];
    // Filled means close to the object's own colour, not merely darker than the background.
    return distance(boxMean(p, x0, y0, x1, y1), inside) < 0.3 * distance(inside, outside);
  };
  const top = filled(-1, -1) && filled(1, -1);
  const bottom = filled(-1, 1) && filled(1, 1);
  if (top && bottom) return 'square';
  return bottom ? 'triangle' : 'circle';
}
