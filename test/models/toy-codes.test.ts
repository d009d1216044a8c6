// The toy's codes live in the one latent direction the decoder drops (docs/toy-model.md, "Codes"):
// it must be a unit vector the decoder maps to nothing and the encoder never writes, or the codes
// would show in the pictures and encoded pictures would favour some scenes.
import { describe, expect, it } from 'vitest';
import { decoderMap, decoderNullDirection, ENCODER_MAP } from '../../models/toy-model/vae-map.ts';

describe('the toy latent direction the decoder does not see', () => {
  const n = decoderNullDirection();

  it('is a unit vector', () => {
    expect(Math.hypot(...n)).toBeCloseTo(1, 12);
  });

  it('reaches no colour through the decoder', () => {
    for (const row of decoderMap())
      expect(Math.abs(row.reduce((s, v, k) => s + v * n[k], 0))).toBeLessThan(1e-12);
  });

  it('is never written by the encoder', () => {
    for (let c = 0; c < 3; c++)
      expect(Math.abs(ENCODER_MAP.reduce((s, row, k) => s + row[c] * n[k], 0))).toBeLessThan(1e-12);
  });

  it('is the only such direction: the decoder keeps every colour the encoder writes', () => {
    const rgb = [0.3, -0.6, 0.9];
    const latent = ENCODER_MAP.map((row) => row.reduce((s, v, c) => s + v * rgb[c], 0));
    const back = decoderMap().map((row) => row.reduce((s, v, k) => s + v * latent[k], 0));
    back.forEach((v, c) => {
      expect(v).toBeCloseTo(rgb[c], 12);
    });
  });
});
