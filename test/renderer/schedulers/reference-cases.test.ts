import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePythonJson } from '../../../renderer/refcheck/python-json.ts';
import { checkSchedulerCase } from '../../../renderer/refcheck/scheduler-cases.ts';

const referenceFile = fileURLToPath(new URL('../../../../shared/reference/schedulers.json', import.meta.url));

describe('scheduler reference cases (diffusers)', () => {
  if (!existsSync(referenceFile)) {
    it.skip(`reference cases absent (${referenceFile}), nothing to compare with`, () => {});
    return;
  }
  const cases = parsePythonJson(readFileSync(referenceFile, 'utf8')) as Record<string, unknown>[];

  it('has cases to check', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    it(`${String(c.name ?? c.scheduler)} matches diffusers`, () => {
      const result = checkSchedulerCase(c);
      expect(result.detail ?? '').toBe('');
      expect(result.pass).toBe(true);
      expect(result.maxErr).toBeLessThanOrEqual(1e-4);
    });
  }

  it('fails, naming x_final, when the scheduler config differs from the one that made the case', () => {
    const c = structuredClone(
      cases.find((x) => x.scheduler === 'EulerDiscreteScheduler' && !('strength' in x)),
    );
    expect(c).toBeDefined();
    (c!.config as Record<string, unknown>).prediction_type = 'v_prediction';
    const result = checkSchedulerCase(c);
    expect(result.pass).toBe(false);
    expect(result.detail).toMatch(/x_final rel_err=/);
    expect(result.detail).toMatch(/first diverging step 0/);
    expect(result.maxErr).toBeGreaterThan(1e-4);
  });

  it('fails on a timestep off by one, naming timesteps', () => {
    const c = structuredClone(cases[0]);
    (c.timesteps as number[])[3] += 1;
    const result = checkSchedulerCase(c);
    expect(result.pass).toBe(false);
    expect(result.detail).toMatch(/^timesteps rel_err=/);
  });

  it('reports a malformed case clearly', () => {
    const c = structuredClone(cases[0]);
    (c as Record<string, unknown>).x_final = [1, 2, 3];
    const result = checkSchedulerCase(c);
    expect(result.pass).toBe(false);
    expect(result.detail).toBe('malformed case: x_final has 3 values, the shape holds 256');
  });

  it('names cases readably', () => {
    const result = checkSchedulerCase(cases[0]);
    expect(result.name).toMatch(/^scheduler \S+: [A-Za-z]+Scheduler steps=\d+ seed=\d+/);
  });
});

describe('checkSchedulerCase without reference files', () => {
  it('rejects a case that is not an object', () => {
    expect(checkSchedulerCase(42)).toMatchObject({
      pass: false,
      detail: 'malformed case: case is not an object',
    });
  });

  it('reports an unknown scheduler class as a failure, not a crash', () => {
    const result = checkSchedulerCase({
      scheduler: 'FlowMatchEulerDiscreteScheduler',
      config: {},
      steps: 2,
      seed: 0,
      shape: [1, 1, 2, 2],
      timesteps: [999, 0],
      init_noise_sigma: 1,
      x_init: [0, 0, 0, 0],
      x_final: [0, 0, 0, 0],
    });
    expect(result.name).toBe('scheduler FlowMatchEulerDiscreteScheduler steps=2 seed=0');
    expect(result.pass).toBe(false);
    expect(result.detail).toMatch(/unknown scheduler class "FlowMatchEulerDiscreteScheduler"/);
  });
});
