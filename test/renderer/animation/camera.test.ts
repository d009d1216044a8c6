// The camera's matrices, named from its point of view.
import { describe, expect, it } from 'vitest';
import { cameraStep, type Matrix3, warpFrame } from '../../../renderer/animation/camera.ts';

const apply = (m: Matrix3, x: number, y: number) => {
  const w = m[6] * x + m[7] * y + m[8];
  return [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
};
const size = 101; // centre at (50, 50)

describe('camera steps', () => {
  it('rotate-cw turns the content counter-clockwise on screen, rotate-ccw clockwise', () => {
    // A point right of the centre goes up (smaller y) when the content turns counter-clockwise.
    const [, cwY] = apply(cameraStep([{ motion: 'rotate-cw', speed: 1 }], size, size), 90, 50);
    const [, ccwY] = apply(cameraStep([{ motion: 'rotate-ccw', speed: 1 }], size, size), 90, 50);
    expect(cwY).toBeLessThan(50);
    expect(ccwY).toBeGreaterThan(50);
  });

  it('tilt-up moves the content down and draws the top nearer together than the bottom', () => {
    const m = cameraStep([{ motion: 'tilt-up', speed: 2 }], size, size);
    const [, cy] = apply(m, 50, 50);
    expect(cy).toBeGreaterThan(51);
    const topWidth = apply(m, 90, 10)[0] - apply(m, 10, 10)[0];
    const bottomWidth = apply(m, 90, 90)[0] - apply(m, 10, 90)[0];
    expect(topWidth).not.toBeCloseTo(bottomWidth, 1);
    const [, dy] = apply(cameraStep([{ motion: 'tilt-down', speed: 2 }], size, size), 50, 50);
    expect(dy).toBeLessThan(49);
  });

  it('warps with mirrored borders: a frame moved right repeats its left edge mirrored', () => {
    const w = 4;
    const rgb = Buffer.from([10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]);
    const moved = warpFrame(rgb, w, 1, [1, 0, 2, 0, 1, 0, 0, 0, 1]);
    expect([...moved].filter((_, i) => i % 3 === 0)).toEqual([20, 10, 10, 20]);
  });
});
