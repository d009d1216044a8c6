// Which entry of the schedule the next step is, for schedulers that walk `sigmas` by position. Found from
// the timestep on the first call of a run (or set up front for img2img), then advanced by one per step.

export class StepIndex {
  private current: number | undefined;
  private begin: number | undefined;

  constructor(private readonly duplicateRule: 'second' | 'second-or-last' = 'second') {}

  /** The index of the coming step, if a step or model-input scaling already happened this run. */
  get value(): number | undefined {
    return this.current;
  }

  get beginIndex(): number | undefined {
    return this.begin;
  }

  setBegin(index: number): void {
    this.begin = index;
  }

  reset(): void {
    this.current = undefined;
    this.begin = undefined;
  }

  /** The index for timestep `t` of `timesteps`, initialising the run's position on first use. */
  resolve(timesteps: Float32Array, t: number): number {
    if (this.current === undefined) this.current = this.begin ?? this.lookup(timesteps, t);
    return this.current;
  }

  advance(): void {
    if (this.current === undefined) throw new Error('step index advanced before it was resolved');
    this.current++;
  }

  /**
   * Where `t` sits in the schedule. When it appears twice (Karras schedules repeat small timesteps) the
   * second is taken, so a run that starts mid-schedule does not skip a sigma.
   */
  lookup(timesteps: Float32Array, t: number): number {
    // Schedules hold float32 values; compare in float32 so a timestep read back as a double still matches.
    const key = Math.fround(t);
    const found: number[] = [];
    for (let i = 0; i < timesteps.length && found.length < 2; i++) if (timesteps[i] === key) found.push(i);
    if (found.length === 0) {
      if (this.duplicateRule === 'second-or-last') return timesteps.length - 1;
      throw new Error(`timestep ${t} is not in the schedule [${Array.from(timesteps).join(', ')}]`);
    }
    return found.length > 1 ? found[1] : found[0];
  }
}
