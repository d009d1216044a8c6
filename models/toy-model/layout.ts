// Where the toy model's objects sit and how they are drawn, in fractions of the picture (x of the
// width, y of the height) and of its shorter side (sizes), so shapes keep their proportions at any
// aspect ratio. A picture is either one large object in the middle (the single layout) or a row of
// three slots, each empty or holding one smaller object inside its own column.

export interface Slot {
  name: 'single' | 'left' | 'centre' | 'right';
  /** Centre of the object, as a fraction of the width. */
  x: number;
  /** Radius of the object, as a fraction of the shorter side. */
  radius: number;
  /** The columns of the picture this slot draws in, as fractions of the width: [from, to). */
  from: number;
  to: number;
}

export const SLOTS: readonly Slot[] = [
  { name: 'single', x: 0.5, radius: 0.18, from: 0, to: 1 },
  { name: 'left', x: 0.25, radius: 0.1, from: 0, to: 0.375 },
  { name: 'centre', x: 0.5, radius: 0.1, from: 0.375, to: 0.625 },
  { name: 'right', x: 0.75, radius: 0.1, from: 0.625, to: 1 },
];

/** Vertical centre of every object, as a fraction of the height. */
export const CENTRE_Y = 0.5;

/** Half the side of a square, in radii. */
export const SQUARE_HALF = 0.85;
/** A triangle points up: apex at -radius, base at TRIANGLE_BASE radii below the centre, half as wide as a radius. */
export const TRIANGLE_BASE = 0.8;

/** A dark outline around every object, so it shows on a background of its own colour. */
export const OUTLINE = { width: 0.025, darkness: 0.8 };
/** A soft shadow down and to the right. */
export const SHADOW = { offset: 0.03, darkness: 0.4 };

/** Width of the anti-aliasing ramp at shape edges, in pixels: one latent cell. */
export const EDGE_RAMP = 8;
