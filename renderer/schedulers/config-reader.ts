// Typed access to a scheduler config. Missing or null fields take the diffusers default of the class;
// a value of the wrong type or outside what we implement is an error that names the field, so a model
// never silently renders with a schedule other than the one its config asks for.
import type { SchedulerConfig } from './scheduler.ts';

export class ConfigReader {
  constructor(
    readonly className: string,
    private readonly config: SchedulerConfig,
  ) {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new Error(`${className}: config must be an object, got ${describe(config)}`);
    }
  }

  private raw(field: string): unknown {
    const value = this.config[field];
    return value === null ? undefined : value;
  }

  /** Throws the standard "not supported" error for a field. */
  fail(field: string, value: unknown, expected: string): never {
    throw new Error(`${this.className}: config ${field}=${describe(value)} is not supported (${expected})`);
  }

  number(field: string, fallback: number): number {
    const value = this.raw(field);
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || Number.isNaN(value)) this.fail(field, value, 'expected a number');
    return value;
  }

  optionalNumber(field: string): number | undefined {
    const value = this.raw(field);
    if (value === undefined) return undefined;
    return this.number(field, 0);
  }

  integer(field: string, fallback: number, min = 0): number {
    const value = this.number(field, fallback);
    if (!Number.isInteger(value) || value < min) this.fail(field, value, `expected an integer >= ${min}`);
    return value;
  }

  bool(field: string, fallback: boolean): boolean {
    const value = this.raw(field);
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(field, value, 'expected true or false');
    return value;
  }

  choice<T extends string>(field: string, supported: readonly T[], fallback: T): T {
    const value = this.raw(field);
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !supported.includes(value as T)) {
      this.fail(field, value, `supported: ${supported.join(', ')}`);
    }
    return value as T;
  }

  optionalNumberArray(field: string): number[] | undefined {
    const value = this.raw(field);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
      this.fail(field, value, 'expected an array of numbers');
    }
    return value as number[];
  }

  /** For options whose only supported setting is unset (null). */
  requireUnset(field: string, why: string): void {
    const value = this.raw(field);
    if (value !== undefined) this.fail(field, value, `only null is supported: ${why}`);
  }

  /** For options we do not implement: only the value that turns them off is accepted. */
  requireOff(field: string, why: string): void {
    const value = this.raw(field);
    if (value !== undefined && value !== false) this.fail(field, value, `only false is supported: ${why}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : String(value);
}
