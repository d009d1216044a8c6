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
      this.clock.runMs += performance.now() - start;
      this.clock.runs += 1;
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
