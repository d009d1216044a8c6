// The camera's move from one frame to the next as a 3x3 matrix on pixel coordinates (content point
// in the previous frame -> where it shows in the next). Zoom, pan and rotate are affine; tilt is the
// homography of a camera pitching about its centre, so the far edge narrows as a real tilt does.
// Named from the camera's point of view: pan-left moves the content right, zoom-in makes it grow,
// rotate-cw (the camera rolls clockwise) turns the content counter-clockwise.
import type { CameraMove } from '../../core/job/motion.ts';

export type Matrix3 = [number, number, number, number, number, number, number, number, number];

/** Per frame at speed 1: pans move 2.5% of the side, zooms scale by 2%, rotations turn 1.5 degrees. */
export const PAN_PER_FRAME = 0.025;
export const ZOOM_PER_FRAME = 0.02;
export const ROTATE_DEGREES_PER_FRAME = 1.5;
export const TILT_DEGREES_PER_FRAME = 1.2;

const IDENTITY: Matrix3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const out = new Array(9).fill(0) as Matrix3;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
    }
  }
  return out;
}

export function invert(m: Matrix3): Matrix3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  const inv: Matrix3 = [
    A,
    -(b * i - c * h),
    b * f - c * e,
    B,
    a * i - c * g,
    -(a * f - c * d),
    C,
    -(a * h - b * g),
    a * e - b * d,
  ];
  return inv.map((v) => v / det) as Matrix3;
}

/** A linear map about the frame's centre (cx, cy). */
function aboutCentre(m: Matrix3, cx: number, cy: number): Matrix3 {
  return multiply(multiply([1, 0, cx, 0, 1, cy, 0, 0, 1], m), [1, 0, -cx, 0, 1, -cy, 0, 0, 1]);
}

function moveMatrix(move: CameraMove, width: number, height: number): Matrix3 {
  const s = move.speed;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const shift = (dx: number, dy: number): Matrix3 => [1, 0, dx, 0, 1, dy, 0, 0, 1];
  switch (move.motion) {
    case 'static':
      return IDENTITY;
    case 'zoom-in':
    case 'zoom-out': {
      const k = (1 + ZOOM_PER_FRAME) ** (move.motion === 'zoom-in' ? s : -s);
      return aboutCentre([k, 0, 0, 0, k, 0, 0, 0, 1], cx, cy);
    }
    case 'pan-left':
      return shift(PAN_PER_FRAME * s * width, 0);
    case 'pan-right':
      return shift(-PAN_PER_FRAME * s * width, 0);
    case 'pan-up':
      return shift(0, PAN_PER_FRAME * s * height);
    case 'pan-down':
      return shift(0, -PAN_PER_FRAME * s * height);
    case 'rotate-cw':
    case 'rotate-ccw': {
      // Screen y points down: this matrix turns the content counter-clockwise as seen for a > 0.
      const a = ((move.motion === 'rotate-cw' ? 1 : -1) * s * ROTATE_DEGREES_PER_FRAME * Math.PI) / 180;
      const cos = Math.cos(a);
      const sin = Math.sin(a);
      return aboutCentre([cos, sin, 0, -sin, cos, 0, 0, 0, 1], cx, cy);
    }
    case 'tilt-up':
    case 'tilt-down': {
      // K R K^-1 for a pitch of angle a with a focal length of the longer side (about 53 degrees of view).
      // Pitching up moves what was seen into the lower part of the frame.
      const a = ((move.motion === 'tilt-up' ? 1 : -1) * s * TILT_DEGREES_PER_FRAME * Math.PI) / 180;
      const f = Math.max(width, height);
      const cos = Math.cos(a);
      const sin = Math.sin(a);
      const k: Matrix3 = [f, 0, cx, 0, f, cy, 0, 0, 1];
      const kInv: Matrix3 = [1 / f, 0, -cx / f, 0, 1 / f, -cy / f, 0, 0, 1];
      const r: Matrix3 = [1, 0, 0, 0, cos, sin, 0, -sin, cos];
      return multiply(multiply(k, r), kInv);
    }
  }
}

/** The whole camera move of one frame step: every move combined. */
export function cameraStep(moves: readonly CameraMove[], width: number, height: number): Matrix3 {
  return moves.reduce<Matrix3>((m, move) => multiply(moveMatrix(move, width, height), m), IDENTITY);
}

export function isStill(moves: readonly CameraMove[]): boolean {
  return moves.every((m) => m.motion === 'static' || m.speed === 0);
}

/** Mirrors an index into [0, n): the border repeats the picture mirrored, never black. */
function mirror(i: number, n: number): number {
  const period = 2 * n;
  let k = i % period;
  if (k < 0) k += period;
  return k >= n ? period - 1 - k : k;
}

/**
 * The previous frame as the moved camera sees it: each output pixel samples the input at the inverse
 * of `forward`, bilinearly, with mirrored borders where the camera sees past the old frame's edge.
 */
export function warpFrame(rgb: Buffer, width: number, height: number, forward: Matrix3): Buffer {
  const inv = invert(forward);
  const out = Buffer.allocUnsafe(rgb.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = inv[6] * x + inv[7] * y + inv[8];
      const sx = (inv[0] * x + inv[1] * y + inv[2]) / w;
      const sy = (inv[3] * x + inv[4] * y + inv[5]) / w;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const xa = mirror(x0, width);
      const xb = mirror(x0 + 1, width);
      const ya = mirror(y0, height);
      const yb = mirror(y0 + 1, height);
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = rgb[(ya * width + xa) * 3 + c] * (1 - fx) + rgb[(ya * width + xb) * 3 + c] * fx;
        const bottom = rgb[(yb * width + xa) * 3 + c] * (1 - fx) + rgb[(yb * width + xb) * 3 + c] * fx;
        out[o + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return out;
}
