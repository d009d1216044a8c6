// Video settings: per-surface byte budgets (0 = none) and the ffmpeg override.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/config.ts';
import { ValidationError } from '../../core/errors.ts';

describe('video settings', () => {
  it('default to Discord 10 MiB, Telegram 50 MB and no HTTP limit, with the shipped ffmpeg', () => {
    expect(parseConfig({}).video).toEqual({ maxBytes: { discord: 10 * 1024 * 1024, telegram: 50_000_000 } });
  });

  it('read FFMPEG_PATH and budgets, 0 lifting a limit', () => {
    const config = parseConfig({
      FFMPEG_PATH: '/usr/bin/ffmpeg',
      VIDEO_MAX_BYTES_DISCORD: '0',
      VIDEO_MAX_BYTES_HTTP: '2000000',
    });
    expect(config.video).toEqual({
      ffmpegPath: '/usr/bin/ffmpeg',
      maxBytes: { telegram: 50_000_000, http: 2_000_000 },
    });
  });

  it('name a bad budget', () => {
    try {
      parseConfig({ VIDEO_MAX_BYTES_TELEGRAM: '50MB' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).problems[0]).toMatchObject({
        field: 'VIDEO_MAX_BYTES_TELEGRAM',
        problem: 'must be a whole number of bytes (0 = no limit)',
      });
    }
  });
});
