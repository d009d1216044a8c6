// The denoiser: adapts to the timestep's element type and shape, and to 4- or 9-channel inputs.

import { floatTensor, intTensor, readFloats, type TensorSpec } from '../onnx/tensor-io.ts';
import type { TimedSession } from '../onnx/timed-session.ts';
import { ModelFolderError } from './model-folder-error.ts';
import { takesSdxlConditioning } from './sdxl-parts.ts';

const KNOWN_INPUTS = new Set(['sample', 'timestep', 'encoder_hidden_states']);
const SDXL_INPUTS = new Set([...KNOWN_INPUTS, 'text_embeds', 'time_ids']);

/** SDXL's added conditioning: pooled text embeddings [B, P] and time ids [B, 5 or 6]. */
export interface AddedConditioning {
  textEmbeds: Float32Array;
  timeIds: Float32Array;
}

export class Unet {
  readonly inChannels: number;
  /** A video UNet takes a 5-D sample [B, C, F, h, w]; `frames` is the F it declares (any when absent). */
  readonly isVideo: boolean;
  readonly frames?: number;
  /** Video exports that take text states per frame ([B * F, tokens, width]) name that dimension so. */
  readonly hiddenPerFrame: boolean;
  /** Takes text_embeds and time_ids (SDXL). */
  readonly takesSdxlConditioning: boolean;
  private readonly timestep: TensorSpec;
  private readonly sample: TensorSpec;
  private readonly hidden: TensorSpec;
  private readonly outName: string;

  constructor(
    private readonly session: TimedSession,
    configInChannels?: number,
  ) {
    const need = (name: string) => {
      const spec = session.input(name);
      if (!spec) {
        throw new ModelFolderError(
          session.file,
          `expected inputs sample, timestep, encoder_hidden_states; found ${session.inputs.map((i) => i.name).join(', ')}`,
        );
      }
      return spec;
    };
    this.sample = need('sample');
    this.timestep = need('timestep');
    this.hidden = need('encoder_hidden_states');
    this.takesSdxlConditioning = takesSdxlConditioning(session.inputs.map((i) => i.name));
    const known = this.takesSdxlConditioning ? SDXL_INPUTS : KNOWN_INPUTS;
    const extra = session.inputs.filter((i) => !known.has(i.name)).map((i) => i.name);
    if (extra.length > 0) {
      throw new ModelFolderError(session.file, `has inputs this renderer does not feed: ${extra.join(', ')}`);
    }
    this.isVideo = this.sample.shape.length === 5;
    const frames = this.sample.shape[2];
    if (this.isVideo && typeof frames === 'number') this.frames = frames;
    const hiddenBatch = this.hidden.shape[0];
    this.hiddenPerFrame = this.isVideo && typeof hiddenBatch === 'string' && /frame/i.test(hiddenBatch);
    const channels = this.sample.shape[1];
    this.inChannels = typeof channels === 'number' ? channels : (configInChannels ?? 4);
    this.outName = session.outputs.find((o) => o.name === 'out_sample')?.name ?? session.outputs[0].name;
  }

  /**
   * One call for the whole batch. Integer timesteps are rounded (fractional ones come from
   * sigma-space schedulers); the timestep goes in as a scalar, [1] or [batch] as the model declares.
   */
  async predict(
    sample: Float32Array,
    dims: readonly [number, number, number, number] | readonly [number, number, number, number, number],
    t: number,
    hidden: Float32Array,
    hiddenDims: readonly [number, number, number],
    added?: AddedConditioning,
  ): Promise<Float32Array> {
    const batch = dims[0];
    const shape = this.timestep.shape;
    const tDims = shape.length === 0 ? [] : shape[0] === 1 ? [1] : [batch];
    const count = tDims.length === 0 ? 1 : tDims[0];
    const tValues = new Array<number>(count).fill(t);
    const isInt = this.timestep.type === 'int64' || this.timestep.type === 'int32';
    const out = await this.session.run({
      [this.sample.name]: floatTensor(this.sample, sample, dims),
      [this.timestep.name]: isInt
        ? intTensor(this.timestep, tValues, tDims)
        : floatTensor(this.timestep, Float32Array.from(tValues), tDims),
      [this.hidden.name]: floatTensor(this.hidden, hidden, hiddenDims),
      ...(added ? this.addedInputs(added, batch) : {}),
    });
    return readFloats(out[this.outName]);
  }

  private addedInputs(added: AddedConditioning, batch: number) {
    const embeds = this.session.input('text_embeds')!;
    const timeIds = this.session.input('time_ids')!;
    return {
      text_embeds: floatTensor(embeds, added.textEmbeds, [batch, added.textEmbeds.length / batch]),
      time_ids: floatTensor(timeIds, added.timeIds, [batch, added.timeIds.length / batch]),
    };
  }
}
