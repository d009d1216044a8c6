// Deterministic random weights for the bench model (xorshift + Box-Muller): same bytes every build.
export class SeededWeights {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  private uniform(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return (this.state + 0.5) / 4294967296;
  }

  /** Normal values scaled by `std`. */
  normal(count: number, std: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i += 2) {
      const r = Math.sqrt(-2 * Math.log(this.uniform()));
      const t = 2 * Math.PI * this.uniform();
      out[i] = r * Math.cos(t) * std;
      if (i + 1 < count) out[i + 1] = r * Math.sin(t) * std;
    }
    return out;
  }
}
