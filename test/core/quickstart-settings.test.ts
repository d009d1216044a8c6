// Where the first run keeps things: the embedded Redis in .data/redis on the defaults (beside DATA_DIR
// when that is given), the sample in out/, and how logs are written.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/config.ts';

describe('first-run settings', () => {
  it('keeps the embedded Redis in .data/redis, in DATA_DIR/redis with DATA_DIR, or in REDIS_DATA_DIR', () => {
    expect(parseConfig({}).redisDataDir).toBe('.data/redis');
    expect(parseConfig({}).dataDir).toBe('var');
    expect(parseConfig({ DATA_DIR: '/srv/imagine' }).redisDataDir).toBe('/srv/imagine/redis');
    expect(parseConfig({ DATA_DIR: '/srv/imagine', REDIS_DATA_DIR: '/fast/redis' }).redisDataDir).toBe(
      '/fast/redis',
    );
  });

  it('writes the sample to out/ unless OUT_DIR says otherwise', () => {
    expect(parseConfig({}).outDir).toBe('out');
    expect(parseConfig({ OUT_DIR: '/tmp/pictures' }).outDir).toBe('/tmp/pictures');
  });

  it('logs plain lines by default, JSON on request, and refuses another format by name', () => {
    expect(parseConfig({}).logFormat).toBe('pretty');
    expect(parseConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => parseConfig({ LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT');
    expect(() => parseConfig({ LOG_FORMAT: 'xml' })).toThrow('must be pretty or json');
    expect(() => parseConfig({ METRICS_PORT: 'ninety' })).toThrow('METRICS_PORT');
  });
});
