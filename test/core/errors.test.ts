import { describe, expect, it } from 'vitest';
import { describeValue, formatProblem, ValidationError } from '../../core/errors.ts';

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

describe('describeValue', () => {
  it('shows short values as JSON and cuts long ones', () => {
    expect(describeValue('fox')).toBe('"fox"');
    expect(describeValue(7)).toBe('7');
    expect(describeValue(undefined)).toBe('missing');
    expect(describeValue({ width: 512, height: 8 })).toBe('{"width":512,"height":8}');
    expect(describeValue([1, 2, 3])).toBe('[1,2,3]');
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(57)}..."`);
    expect(describeValue({ text: 'y'.repeat(100) }).length).toBeLessThanOrEqual(60);
  });

  it('never throws: 200,000 levels deep, circular, BigInt, a throwing toJSON', () => {
    expect(describeValue(nested(200_000))).toBe('{"a":[{"a":[...]}]}');
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    expect(describeValue(circular)).toMatch(/^\{"name":"loop","self":\{"name":"loop",.{0,20}\.\.\.$/);
    expect(describeValue({ big: 10n })).toBe('{"big":10n}');
    const hostile = {
      toJSON() {
        throw new Error('no');
      },
    };
    expect(() => describeValue(hostile)).not.toThrow();
  });

  it('a ValidationError about a deep value still reads', () => {
    const err = new ValidationError([{ field: 'params', value: nested(5000), problem: 'must be an object' }]);
    expect(err.message).toBe('params: {"a":[{"a":[...]}]} must be an object');
    expect(formatProblem({ field: 'x', value: nested(5000), problem: 'is bad' })).toContain('x:');
  });
});
