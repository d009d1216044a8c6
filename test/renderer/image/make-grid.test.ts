import { describe, expect, it } from 'vitest';
import { makeGrid } from '../../../renderer/image/make-grid.ts';

const solid = (w: number, h: number, colour: number[]) => ({
  rgb: Uint8Array.from({ length: w * h * 3 }, (_, i) => colour[i % 3]),
  width: w,
  height: h,
});

const pixel = (g: { rgb: Uint8Array; width: number }, x: number, y: number) =>
  Array.from(g.rgb.subarray((y * g.width + x) * 3, (y * g.width + x) * 3 + 3));

describe('makeGrid', () => {
  const red = [255, 0, 0];
  const green = [0, 255, 0];
  const blue = [0, 0, 255];
  const white = [255, 255, 255];

  it('lays 4 pictures out 2x2 in reading order', () => {
    const g = makeGrid([solid(4, 3, red), solid(4, 3, green), solid(4, 3, blue), solid(4, 3, white)]);
    expect([g.width, g.height, g.columns, g.rows]).toEqual([8, 6, 2, 2]);
    expect(pixel(g, 0, 0)).toEqual(red);
    expect(pixel(g, 3, 2)).toEqual(red);
    expect(pixel(g, 4, 0)).toEqual(green);
    expect(pixel(g, 0, 3)).toEqual(blue);
    expect(pixel(g, 7, 5)).toEqual(white);
  });

  it('puts 2 side by side, 3 on two rows with an empty black cell, 1 as is', () => {
    const two = makeGrid([solid(4, 3, red), solid(4, 3, green)]);
    expect([two.width, two.height]).toEqual([8, 3]);
    expect(pixel(two, 5, 1)).toEqual(green);
    const three = makeGrid([solid(4, 3, red), solid(4, 3, green), solid(4, 3, blue)]);
    expect([three.width, three.height]).toEqual([8, 6]);
    expect(pixel(three, 6, 4)).toEqual([0, 0, 0]);
    const one = makeGrid([solid(4, 3, blue)]);
    expect([one.width, one.height]).toEqual([4, 3]);
  });

  it('honours a column count and centres a smaller picture in its cell', () => {
    const g = makeGrid([solid(4, 4, red), solid(2, 2, green)], 1);
    expect([g.width, g.height]).toEqual([4, 8]);
    expect(pixel(g, 0, 4)).toEqual([0, 0, 0]);
    expect(pixel(g, 1, 5)).toEqual(green);
    expect(pixel(g, 2, 6)).toEqual(green);
    expect(pixel(g, 3, 7)).toEqual([0, 0, 0]);
  });
});
