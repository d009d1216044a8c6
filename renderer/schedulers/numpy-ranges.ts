// NumPy's range helpers, reproduced to the last bit: diffusers builds its schedules with them, and a
// timestep that differs by rounding picks a different training step.

/** np.linspace(start, stop, num) in float64: start + i*step, with the end point set exactly. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** np.arange(start, stop, step) for float steps: the length is ceil((stop-start)/step), values start + i*delta. */
export function arange(start: number, stop: number, step: number): Float64Array {
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const out = new Float64Array(length);
  // NumPy fills from the first two values, so its increment is (start + step) - start.
  const delta = start + step - start;
  for (let i = 0; i < length; i++) out[i] = start + i * delta;
  return out;
}

/** np.round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** np.interp(x, [0, 1, ..., n-1], values) for x inside the table (clamped at its ends). */
export function interpIndex(x: number, values: ArrayLike<number>): number {
  const last = values.length - 1;
  if (x <= 0) return values[0];
  if (x >= last) return values[last];
  const low = Math.floor(x);
  const w = x - low;
  return values[low] + (values[low + 1] - values[low]) * w;
}
