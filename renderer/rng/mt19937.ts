// The 32-bit Mersenne Twister (MT19937) as in Matsumoto & Nishimura's reference code, which is also
// what std::mt19937 and PyTorch's CPU generator produce.

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** The 624 state words and the position of the next one to temper. */
export interface EngineState {
  words: Uint32Array;
  index: number;
}

export class Mt19937 {
  private readonly words = new Uint32Array(N);
  private index = N;

  /** Seeds with the reference `init_genrand`; only the low 32 bits of the seed are used. */
  constructor(seed: number) {
    const s = this.words;
    s[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1];
      s[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  /** A copy of the state. */
  state(): EngineState {
    return { words: this.words.slice(), index: this.index };
  }

  restore(state: EngineState): void {
    if (state.words.length !== N || !(state.index >= 0 && state.index <= N)) {
      throw new RangeError(`an MT19937 state is ${N} words and an index in [0, ${N}]`);
    }
    this.words.set(state.words);
    this.index = state.index;
  }

  /** Next 32-bit word, as an unsigned integer. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.words[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** The reference's three loops: no modulo on the hot path. */
  private twist(): void {
    const s = this.words;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (s[i] & UPPER_MASK) | (s[i + 1] & LOWER_MASK);
      s[i] = s[i + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      const y = (s[i] & UPPER_MASK) | (s[i + 1] & LOWER_MASK);
      s[i] = s[i + M - N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (s[N - 1] & UPPER_MASK) | (s[0] & LOWER_MASK);
    s[N - 1] = s[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.index = 0;
  }
}
