// The toy model's pictures: every allowed combination of background, shape, colour and position,
// drawn procedurally as RGB in [-1, 1] at 256x256, each with its caption.
import {
  BACKGROUNDS,
  type Background,
  CLASHES,
  COLOURS,
  type Colour,
  POSITIONS,
  type Position,
  SHAPES,
  type Shape,
} from './vocabulary.ts';

export const SCENE_SIZE = 256;

export interface Scene {
  background: Background;
  shape: Shape;
  colour: Colour;
  position: Position;
  caption: string;
}

const RGB: Record<Colour, [number, number, number]> = {
  red: [220, 30, 30],
  orange: [245, 140, 20],
  yellow: [245, 220, 40],
  green: [40, 170, 60],
  blue: [30, 70, 220],
  purple: [140, 50, 190],
  pink: [245, 130, 190],
  white: [245, 245, 245],
};

/** Top and bottom colour of each background (a vertical gradient), plus texture strength. */
const BACKDROP: Record<
  Background,
  { top: [number, number, number]; bottom: [number, number, number]; grain: number }
> = {
  sky: { top: [60, 120, 225], bottom: [140, 195, 250], grain: 0 },
  sea: { top: [10, 60, 120], bottom: [20, 110, 150], grain: 12 },
  grass: { top: [70, 150, 50], bottom: [40, 110, 30], grain: 14 },
  night: { top: [8, 10, 35], bottom: [25, 25, 70], grain: 0 },
  sand: { top: [225, 200, 150], bottom: [200, 170, 120], grain: 10 },
  snow: { top: [225, 232, 240], bottom: [200, 210, 225], grain: 6 },
};

const CENTRE_X: Record<Position, number> = { left: 0.25, centre: 0.5, right: 0.75 };

export function allScenes(): Scene[] {
  const scenes: Scene[] = [];
  for (const background of BACKGROUNDS) {
    for (const shape of SHAPES) {
      for (const colour of COLOURS) {
        if (CLASHES[background].includes(colour)) continue;
        for (const position of POSITIONS) {
          scenes.push({
            background,
            shape,
            colour,
            position,
            caption: `a ${colour} ${shape} on the ${background}, ${position}`,
          });
        }
      }
    }
  }
  return scenes;
}

/** A deterministic hash noise in [-1, 1] for background texture. */
function grain(x: number, y: number): number {
  let h = (x * 374761393 + y * 668265263) ^ 0x5bd1e995;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return (((h ^ (h >>> 16)) >>> 0) / 0xffffffff) * 2 - 1;
}

function inside(shape: Shape, dx: number, dy: number, r: number): boolean {
  if (shape === 'circle') return dx * dx + dy * dy <= r * r;
  if (shape === 'square') return Math.abs(dx) <= r * 0.85 && Math.abs(dy) <= r * 0.85;
  // Triangle pointing up, base at the bottom.
  const top = -r;
  const bottom = r * 0.8;
  if (dy < top || dy > bottom) return false;
  const half = ((dy - top) / (bottom - top)) * r;
  return Math.abs(dx) <= half;
}

/** Draws a scene as interleaved RGB bytes, SCENE_SIZE square. */
export function drawScene(scene: Scene): Uint8Array {
  const n = SCENE_SIZE;
  const out = new Uint8Array(n * n * 3);
  const bg = BACKDROP[scene.background];
  const cx = CENTRE_X[scene.position] * n;
  const cy = 0.5 * n;
  const r = n * 0.18;
  const colour = RGB[scene.colour];
  for (let y = 0; y < n; y++) {
    const f = y / (n - 1);
    for (let x = 0; x < n; x++) {
      const i = (y * n + x) * 3;
      if (inside(scene.shape, x - cx, y - cy, r)) {
        out[i] = colour[0];
        out[i + 1] = colour[1];
        out[i + 2] = colour[2];
        continue;
      }
      if (scene.background === 'night' && grain(x, y) > 0.995) {
        out[i] = 235;
        out[i + 1] = 235;
        out[i + 2] = 200;
        continue;
      }
      const noise = bg.grain === 0 ? 0 : bg.grain * grain(x >> 2, y >> 2);
      for (let c = 0; c < 3; c++) {
        const v = bg.top[c] + (bg.bottom[c] - bg.top[c]) * f + noise;
        out[i + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}
