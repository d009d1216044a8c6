import { describe, expect, it } from 'vitest';
import { rgbToTensor, tensorToRgb, unitToByte } from '../../../renderer/image/rgb-tensor.ts';

describe('rgbToTensor', () => {
  it('lays bytes out as [1,3,H,W] in [-1,1]', () => {
    // 2x1 picture: (255, 0, 128) then (0, 255, 64).
    const t = rgbToTensor(Uint8Array.from([255, 0, 128, 0, 255, 64]), 2, 1);
    expect(Array.from(t.subarray(0, 2))).toEqual([1, -1]);
    expect(Array.from(t.subarray(2, 4))).toEqual([-1, 1]);
    expect(t[4]).toBe(Math.fround(2 * Math.fround(128 / 255) - 1));
    expect(t[5]).toBe(Math.fround(2 * Math.fround(64 / 255) - 1));
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => rgbToTensor(new Uint8Array(5), 2, 1)).toThrow(/expected 6 bytes/);
  });
});

describe('tensorToRgb', () => {
  it('gives every byte back after rgbToTensor', () => {
    const rgb = Uint8Array.from({ length: 256 * 3 }, (_, i) => i % 256);
    const back = tensorToRgb(rgbToTensor(rgb, 256, 1), 0, 256, 1);
    expect(Buffer.compare(back, Buffer.from(rgb))).toBe(0);
  });

  it('clamps out-of-range values and maps NaN to 0', () => {
    expect([unitToByte(1.5), unitToByte(-3), unitToByte(Number.NaN), unitToByte(0)]).toEqual([
      255, 0, 0, 128,
    ]);
  });

  it('rounds halves to even in float32 like numpy', () => {
    // (x/2 + 0.5) * 255 is exactly 126.5 in float32 here: numpy gives 126 where Math.round would give 127.
    expect(unitToByte(-0.00784313678741455)).toBe(126);
  });

  it('gives the byte unitToByte gives, on every rounding tie and out-of-range value', () => {
    const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e-45, -1e-45, 3e38];
    for (const x of [1, -1]) values.push(x, Math.fround(x * (1 + 2 ** -23)), Math.fround(x * (1 - 2 ** -24)));
    // Around each k + 0.5: the float32 neighbours of the value that lands on the tie.
    const word = new Float32Array(1);
    const bits = new Uint32Array(word.buffer);
    for (let k = 0; k < 255; k++) {
      word[0] = ((k + 0.5) / 255 - 0.5) * 2;
      const at = bits[0];
      for (let d = -2; d <= 2; d++) {
        bits[0] = at + d;
        values.push(word[0]);
      }
    }
    const tensor = new Float32Array(3 * values.length);
    for (let c = 0; c < 3; c++) tensor.set(values, c * values.length);
    const rgb = tensorToRgb(tensor, 0, values.length, 1);
    const expected = values.flatMap((v) => [unitToByte(v), unitToByte(v), unitToByte(v)]);
    expect(Array.from(rgb)).toEqual(expected);
    // Ties really are there: some bytes round down to even where Math.round would go up.
    expect(
      values.some(
        (v) => unitToByte(v) !== Math.round(Math.fround(Math.fround(Math.fround(v / 2) + 0.5) * 255)),
      ),
    ).toBe(true);
  });

  it('picks the picture at the batch index and interleaves channels', () => {
    const plane = 2;
    const tensor = new Float32Array(2 * 3 * plane);
    tensor.fill(-1, 0, 6); // picture 0 black
    tensor.set([1, 1, -1, -1, -1, 1], 6); // picture 1: R plane, G plane, B plane
    expect(Array.from(tensorToRgb(tensor, 1, 2, 1))).toEqual([255, 0, 0, 255, 0, 255]);
    expect(() => tensorToRgb(tensor, 2, 2, 1)).toThrow(/outside/);
  });
});
