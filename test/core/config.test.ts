import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bin/config-file.ts';
import { parseConfig, ValidationError } from '../../core/index.ts';

describe('config', () => {
  it('has working defaults with an empty environment', () => {
    const c = parseConfig({});
    expect(c.redis).toEqual({ url: undefined, serverBin: 'redis-server', embedded: true });
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(c.modelsDir).toBe('var/models');
    expect(c.defaultModel).toBe('toy');
    expect(c.onnx.providers).toEqual(['cpu']);
    // Batches across jobs do not pay on the CPU (docs/benchmarks.md).
    expect(c.onnx.batch).toEqual({ maxJobs: 1, gatherMs: 50 });
    expect(c.limits.maxSteps).toBe(100);
    expect(c.defaults.sampler).toBe('euler_a');
  });

  it('reads the environment over the file', () => {
    const c = parseConfig(
      { PORT: '9000', ORT_PROVIDERS: 'cuda, cpu', LIMIT_MAX_STEPS: '40' },
      { PORT: 7000, DEFAULT_STEPS: 30, REDIS_URL: 'redis://10.0.0.1:6379' },
    );
    expect(c.http.port).toBe(9000);
    expect(c.defaults.steps).toBe(30);
    expect(c.limits.maxSteps).toBe(40);
    expect(c.onnx.providers).toEqual(['cuda', 'cpu']);
    expect(c.onnx.batch.maxJobs).toBe(4);
    expect(parseConfig({ ORT_PROVIDERS: 'cuda', RENDER_BATCH: '1' }).onnx.batch.maxJobs).toBe(1);
    expect(c.redis.url).toBe('redis://10.0.0.1:6379');
  });

  it('names every bad variable with its value and what is allowed', () => {
    let err: unknown;
    try {
      parseConfig(
        { PORT: 'abc', REDIS_URL: 'http://x', ORT_PROVIDERS: 'cpu,gpu', DEFAULT_SAMPLER: 'eulr' },
        { FOO: 1 },
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toBe(
      'invalid configuration: REDIS_URL: "http://x" must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379; ' +
        'PORT: "abc" must be a whole number between 0 and 65535; ORT_PROVIDERS: "gpu" must list some of cpu, cuda, tensorrt; ' +
        'DEFAULT_SAMPLER: "eulr" must be one of ddim, pndm, euler, euler_a, dpmpp_2m, dpmpp_2m_karras, lms, lcm, ' +
        'unipc, unipc_karras, heun, heun_karras, dpm2, dpm2_karras, dpm2_a, dpm2_a_karras, deis, deis_karras, ' +
        'dpmpp_2s, dpmpp_2s_karras, dpmpp_2m_sde, dpmpp_2m_sde_karras, dpmpp_3m_sde, dpmpp_3m_sde_karras; ' +
        'FOO is not a setting (see the README)',
    );
  });

  it('checks defaults against limits', () => {
    expect(() => parseConfig({ DEFAULT_STEPS: '80', LIMIT_MAX_STEPS: '50' })).toThrow(
      'DEFAULT_STEPS: 80 is over LIMIT_MAX_STEPS (50)',
    );
    expect(() => parseConfig({ DEFAULT_WIDTH: '500' })).toThrow('DEFAULT_WIDTH: 500 must be a multiple of 8');
  });

  it('loads CONFIG_FILE and reports an unreadable or malformed one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ PORT: 7001, DEFAULT_MODEL: 'sd15' }));
    expect(loadConfig({ CONFIG_FILE: good }).defaultModel).toBe('sd15');
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ nope');
    expect(() => loadConfig({ CONFIG_FILE: bad })).toThrow(
      /CONFIG_FILE: ".*bad.json" must hold a JSON object/,
    );
    expect(() => loadConfig({ CONFIG_FILE: path.join(dir, 'missing.json') })).toThrow(
      /CONFIG_FILE: ".*missing.json" cannot be read \(ENOENT\)/,
    );
  });
});
