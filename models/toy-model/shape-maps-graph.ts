// The pieces every toy picture is made of, computed in the graph at the sample's own size, so shapes
// keep their proportions at any aspect ratio. For each slot (single, left, centre, right) and state
// (empty, circle, square, triangle), three maps over the latent cells, zero outside the slot's columns:
//   background: how much of the background shows,  dark: outline and shadow,  object: the shape's cover.
// A slot's piece of the picture is  background * B + dark * e_dark + object * c_colour  (see docs/toy-model.md).
import type { Ops } from './graph-ops.ts';
import { CENTRE_Y, EDGE_RAMP, OUTLINE, SHADOW, SLOTS, SQUARE_HALF, TRIANGLE_BASE } from './layout.ts';

export interface ShapeMaps {
  /** Each [16 = slot * 4 + state, h * w]. */
  background: string;
  dark: string;
  object: string;
}

/** `h` and `w` are the latent's height and width as float scalars. */
export function shapeMaps(o: Ops, h: string, w: string): ShapeMaps {
  const W = o.mul(w, o.c(8));
  const H = o.mul(h, o.c(8));
  const shorter = o.min(W, H);
  const X = o.reshape(o.mul(o.add(o.range(w), o.c(0.5)), o.c(8)), [1, 1, -1]); // [1, 1, w] pixel x of cell centres
  const Y = o.reshape(o.mul(o.add(o.range(h), o.c(0.5)), o.c(8)), [1, -1, 1]); // [1, h, 1]
  const perSlot = (values: number[]) => o.c(values, [SLOTS.length, 1, 1]);
  const dx = o.sub(X, o.mul(perSlot(SLOTS.map((s) => s.x)), W)); // [4, 1, w]
  const dy = o.sub(Y, o.mul(o.c(CENTRE_Y), H)); // [1, h, 1]
  const r = o.mul(perSlot(SLOTS.map((s) => s.radius)), shorter); // [4, 1, 1]

  // Signed distances in pixels, negative inside.
  const circle = (x: string, y: string) => o.sub(o.sqrt(o.add(o.mul(x, x), o.mul(y, y))), r);
  const square = (x: string, y: string) => o.sub(o.max(o.abs(x), o.abs(y)), o.mul(r, o.c(SQUARE_HALF)));
  const slope = 1 + TRIANGLE_BASE;
  const triangle = (x: string, y: string) => {
    const side = o.mul(
      o.sub(o.abs(x), o.div(o.add(y, r), o.c(slope))),
      o.c(1 / Math.sqrt(1 + 1 / (slope * slope))),
    );
    return o.max(side, o.sub(y, o.mul(r, o.c(TRIANGLE_BASE))));
  };
  const cover = (sd: string) => o.clip(o.sub(o.c(0.5), o.div(sd, o.c(EDGE_RAMP))), 0, 1);
  const offset = o.mul(shorter, o.c(SHADOW.offset));
  const outline = o.mul(shorter, o.c(OUTLINE.width));
  const one = o.c(1);

  const backgrounds: string[] = [];
  const darks: string[] = [];
  const objects: string[] = [];
  for (const distance of [circle, square, triangle]) {
    const sd = distance(dx, dy); // [4, h, w]
    const inside = cover(sd);
    const ring = o.sub(cover(o.sub(sd, outline)), inside);
    const shadow = cover(distance(o.sub(dx, offset), o.sub(dy, offset)));
    const dark = o.max(o.mul(ring, o.c(OUTLINE.darkness)), o.mul(shadow, o.c(SHADOW.darkness)));
    const outside = o.sub(one, inside);
    backgrounds.push(o.mul(outside, o.sub(one, dark)));
    darks.push(o.mul(outside, dark));
    objects.push(inside);
  }
  const zero = o.mul(objects[0], o.c(0));
  const columns = o.mul(
    o.sub(one, o.less(X, o.mul(perSlot(SLOTS.map((s) => s.from)), W))),
    o.less(X, o.mul(perSlot(SLOTS.map((s) => s.to)), W)),
  ); // [4, 1, w]
  const stack = (empty: string, maps: string[]) =>
    o.reshape(
      o.mul(
        o.concat(
          [empty, ...maps].map((m) => o.unsqueeze(m, [1])),
          1,
        ),
        o.unsqueeze(columns, [1]),
      ),
      [SLOTS.length * 4, -1],
    );
  return {
    background: stack(o.add(zero, one), backgrounds),
    dark: stack(zero, darks),
    object: stack(zero, objects),
  };
}
