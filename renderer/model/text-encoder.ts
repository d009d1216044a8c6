// CLIP text encoder: token ids in, per-token hidden states out ([batch, tokens, width]).

import { intTensor, readFloats } from '../onnx/tensor-io.ts';
import type { TimedSession } from '../onnx/timed-session.ts';
import { ModelFolderError } from './model-folder-error.ts';

export class TextEncoder {
  private readonly idsName: string;
  private readonly outName: string;

  constructor(private readonly session: TimedSession) {
    const ids = session.input('input_ids') ?? session.inputs[0];
    if (!ids) throw new ModelFolderError(session.file, 'expected an input "input_ids"');
    this.idsName = ids.name;
    const out = session.outputs.find((o) => o.name === 'last_hidden_state') ?? session.outputs[0];
    this.outName = out.name;
  }

  /** Encodes rows of ids (each the model's max length); returns [rows, length, width] and the width. */
  async encode(
    rows: readonly Int32Array[],
  ): Promise<{ hidden: Float32Array; width: number; length: number }> {
    const length = rows[0].length;
    const flat = new Int32Array(rows.length * length);
    rows.forEach((r, i) => {
      flat.set(r, i * length);
    });
    const spec = this.session.input(this.idsName)!;
    const out = await this.session.run({ [this.idsName]: intTensor(spec, flat, [rows.length, length]) });
    const tensor = out[this.outName];
    const width = tensor.dims[tensor.dims.length - 1];
    return { hidden: readFloats(tensor), width, length };
  }
}
