import { describe, expect, it } from 'vitest';
import { featherMask } from '../../../renderer/image/feather-mask.ts';
import { pasteUnmasked } from '../../../renderer/image/paste-unmasked.ts';

describe('pasteUnmasked', () => {
  it('keeps the original byte for byte where the soft mask is 0 and blends in between', () => {
    const w = 40;
    const h = 30;
    const original = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256);
    const generated = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 11 + 5) % 256);
    const hard = new Float32Array(w * h);
    for (let y = 10; y < 18; y++) hard.fill(1, y * w + 12, y * w + 25);
    const soft = featherMask(hard, w, h, 4);
    const out = pasteUnmasked(original, generated, soft);
    let outside = 0;
    let between = 0;
    for (let i = 0; i < w * h; i++) {
      const px = Array.from(out.subarray(i * 3, i * 3 + 3));
      if (soft[i] === 0) {
        outside++;
        expect(px).toEqual(Array.from(original.subarray(i * 3, i * 3 + 3)));
      } else if (soft[i] === 1) {
        expect(px).toEqual(Array.from(generated.subarray(i * 3, i * 3 + 3)));
      } else {
        between++;
        for (let c = 0; c < 3; c++) {
          const o = original[i * 3 + c];
          const g = generated[i * 3 + c];
          expect(px[c]).toBe(Math.round(o + (g - o) * soft[i]));
        }
      }
    }
    expect(outside).toBeGreaterThan(500);
    expect(between).toBeGreaterThan(50);
  });

  it('returns a new buffer and refuses mismatched sizes', () => {
    const original = new Uint8Array(6).fill(9);
    const out = pasteUnmasked(original, new Uint8Array(6), new Float32Array(2));
    out[0] = 1;
    expect(original[0]).toBe(9);
    expect(() => pasteUnmasked(original, new Uint8Array(3), new Float32Array(2))).toThrow(/sizes differ/);
  });
});
