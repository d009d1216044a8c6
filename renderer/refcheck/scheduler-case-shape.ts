// The shape of one case of schedulers.json, checked field by field so a malformed file reports what is
// wrong instead of failing somewhere inside a scheduler.

export interface SchedulerTraceEntry {
  t: number;
  sum: number;
  first4: number[];
}

export interface SchedulerCase {
  name?: string;
  /** diffusers class name, e.g. `EulerDiscreteScheduler`. */
  scheduler: string;
  config: Record<string, unknown>;
  steps: number;
  seed: number;
  shape: number[];
  timesteps: number[];
  sigmas?: number[];
  init_noise_sigma: number;
  x_init: number[];
  x_final: number[];
  trace?: SchedulerTraceEntry[];
  /** img2img cases only. */
  strength?: number;
  img2img_timesteps?: number[];
}

export function parseSchedulerCase(c: unknown): SchedulerCase {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new Error('case is not an object');
  const o = c as Record<string, unknown>;
  const shape = numbers(o, 'shape');
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error('shape must be a list of positive integers');
  }
  const numel = shape.reduce((a, b) => a * b, 1);
  const parsed: SchedulerCase = {
    name: optional(o, 'name', () => text(o, 'name')),
    scheduler: text(o, 'scheduler'),
    config: object(o, 'config'),
    steps: integer(o, 'steps'),
    seed: integer(o, 'seed'),
    shape,
    timesteps: numbers(o, 'timesteps'),
    sigmas: optional(o, 'sigmas', () => numbers(o, 'sigmas')),
    init_noise_sigma: num(o, 'init_noise_sigma'),
    x_init: numbers(o, 'x_init', numel),
    x_final: numbers(o, 'x_final', numel),
    trace: optional(o, 'trace', () => trace(o)),
    strength: optional(o, 'strength', () => num(o, 'strength')),
    img2img_timesteps: optional(o, 'img2img_timesteps', () => numbers(o, 'img2img_timesteps')),
  };
  if ((parsed.strength === undefined) !== (parsed.img2img_timesteps === undefined)) {
    throw new Error('img2img cases need both strength and img2img_timesteps');
  }
  return parsed;
}

function optional<T>(o: Record<string, unknown>, key: string, read: () => T): T | undefined {
  return o[key] === undefined || o[key] === null ? undefined : read();
}

function text(o: Record<string, unknown>, key: string): string {
  if (typeof o[key] !== 'string') throw new Error(`${key} must be a string`);
  return o[key];
}

function num(o: Record<string, unknown>, key: string): number {
  if (typeof o[key] !== 'number') throw new Error(`${key} must be a number`);
  return o[key];
}

function integer(o: Record<string, unknown>, key: string): number {
  const value = num(o, key);
  if (!Number.isInteger(value)) throw new Error(`${key} must be an integer`);
  return value;
}

function object(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = o[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${key} must be an object`);
  return value as Record<string, unknown>;
}

function numbers(o: Record<string, unknown>, key: string, length?: number): number[] {
  const value = o[key];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
    throw new Error(`${key} must be a list of numbers`);
  }
  if (length !== undefined && value.length !== length) {
    throw new Error(`${key} has ${value.length} values, the shape holds ${length}`);
  }
  return value as number[];
}

function trace(o: Record<string, unknown>): SchedulerTraceEntry[] {
  const value = o.trace;
  if (!Array.isArray(value)) throw new Error('trace must be a list');
  return value.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null) throw new Error(`trace[${i}] must be an object`);
    const e = entry as Record<string, unknown>;
    try {
      return { t: num(e, 't'), sum: num(e, 'sum'), first4: numbers(e, 'first4') };
    } catch (err) {
      throw new Error(`trace[${i}]: ${(err as Error).message}`);
    }
  });
}
