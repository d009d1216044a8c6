// A session that knows its input and output specs and adds up the time spent in `run`, so benchmarks
// can compare pipeline wall time against model time.
import type ort from 'onnxruntime-node';
import type { ExecutionProvider } from './session-options.ts';
import { specsOf, type TensorSpec } from './tensor-io.ts';

export interface RunClock {
  runMs: number;
  runs: number;
}

export class TimedSession {
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
  /** This session's own share of the time, next to the model-wide clock. */
  readonly own: RunClock = { runMs: 0, runs: 0 };
  constructor(
    readonly session: ort.InferenceSession,
    readonly provider: ExecutionProvider,
    readonly file: string,
    readonly clock: RunClock,
  ) {
    this.inputs = specsOf(session.inputMetadata);
    this.outputs = specsOf(session.outputMetadata);
  }

  input(name: string): TensorSpec | undefined {
    return this.inputs.find((s) => s.name === name);
  }

  async run(feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType> {
    const start = performance.now();
    try {
      return await this.session.run(feeds);
    } finally {
      const ms = performance.now() - start;
      this.clock.runMs += ms;
      this.clock.runs += 1;
      this.own.runMs += ms;
      this.own.runs += 1;
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
