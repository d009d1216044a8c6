// One of SDXL's text encoders as optimum exports it: token ids in, the penultimate layer's hidden
// states out (diffusers' `hidden_states[-2]`), and the projected pooled embedding when the encoder
// has one (`text_embeds`, text_encoder_2 only).
import { intTensor, readFloats } from '../onnx/tensor-io.ts';
import type { TimedSession } from '../onnx/timed-session.ts';
import { ModelFolderError } from './model-folder-error.ts';

export interface SdxlEncoding {
  /** [rows, length, width] of the penultimate layer. */
  hidden: Float32Array;
  width: number;
  length: number;
  /** [rows, pooledWidth] projected pooled embedding, when the encoder outputs `text_embeds`. */
  pooled?: Float32Array;
  pooledWidth?: number;
}

export class SdxlTextEncoder {
  private readonly idsName: string;
  private readonly penultimateName: string;
  private readonly pooledName?: string;

  constructor(private readonly session: TimedSession) {
    const ids = session.input('input_ids') ?? session.inputs[0];
    if (!ids) throw new ModelFolderError(session.file, 'expected an input "input_ids"');
    this.idsName = ids.name;
    // hidden_states.0 is the embedding output, hidden_states.N the last layer's: [-2] is N-1.
    const layers = session.outputs
      .map((o) => /^hidden_states\.(\d+)$/.exec(o.name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    if (layers.length < 2) {
      throw new ModelFolderError(
        session.file,
        'has no hidden_states.0 ... hidden_states.N outputs; SDXL needs the penultimate layer (export with output_hidden_states)',
      );
    }
    this.penultimateName = `hidden_states.${layers[layers.length - 2]}`;
    this.pooledName = session.outputs.find((o) => o.name === 'text_embeds')?.name;
  }

  async encode(rows: readonly Int32Array[]): Promise<SdxlEncoding> {
    const length = rows[0].length;
    const flat = new Int32Array(rows.length * length);
    rows.forEach((r, i) => {
      flat.set(r, i * length);
    });
    const spec = this.session.input(this.idsName)!;
    const out = await this.session.run({ [this.idsName]: intTensor(spec, flat, [rows.length, length]) });
    const hidden = out[this.penultimateName];
    const encoding: SdxlEncoding = {
      hidden: readFloats(hidden),
      width: hidden.dims[hidden.dims.length - 1],
      length,
    };
    if (this.pooledName) {
      const pooled = out[this.pooledName];
      encoding.pooled = readFloats(pooled);
      encoding.pooledWidth = pooled.dims[pooled.dims.length - 1];
    }
    return encoding;
  }
}
