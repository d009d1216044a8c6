// The toy-video UNet: a 5-D sample [B, 4, F, h, w] (F = VIDEO_FRAMES) whose frames are one toy scene
// drifting by DRIFT latent pixels a frame (wrapping round) the way the prompt names ("rightwards",
// "leftwards": the motion columns of the text states; neither = still). All frames share one posterior:
// each frame is rolled back by its drift, the aligned frames are averaged, and the toy UNet
// denoises that mean; each frame's prediction is then the shared estimate rolled to its place,
//   eps_f = (x_f - roll_f(m)) / sqrt(1 - abar) + roll_f(eps_toy(m)).
// Text states come per frame ([B * F, tokens, width], as video exports take them); frame 0's are used.
import { GraphBuilder } from '../onnx-graph/graph-builder.ts';
import { Ops } from '../toy-model/graph-ops.ts';
import { TOY_WIDTH } from '../toy-model/token-states.ts';
import { graftModel } from './graft-graph.ts';
import { LEFT_COLUMN, RIGHT_COLUMN } from './motion-words.ts';

export const VIDEO_FRAMES = 8;
export const DRIFT = 1;
const END = 2 ** 62;

export function unetVideoGraph(toyUnetFile: string, alphasCumprod: Float32Array): GraphBuilder {
  const g = new GraphBuilder('toy_video_unet');
  const o = new Ops(g);
  const F = VIDEO_FRAMES;
  const sample = g.input('sample', 'float32', ['batch', 4, F, 'height', 'width']);
  const timestep = g.input('timestep', 'float32', [1]);
  const hidden = g.input('encoder_hidden_states', 'float32', ['batch_frames', 'sequence', TOY_WIDTH]);

  const sliceSteps = (x: string, axis: number, from: number, to: number, step: number) =>
    g.node('Slice', [x, o.ints([from]), o.ints([to]), o.ints([axis]), o.ints([step])]);
  const frame = (f: number) => o.slice(sample, 2, f, f + 1); // [B, 4, 1, h, w]
  const firstStates = sliceSteps(hidden, 0, 0, END, F); // frame 0 of each row's frames

  // The direction the prompt names, one for the whole batch (guidance halves move alike): -1, 0, 1.
  const said = (c: number) => o.reduceSum(o.slice(firstStates, 2, c, c + 1), [0, 1, 2]);
  const direction = o.clip(o.sub(said(RIGHT_COLUMN), said(LEFT_COLUMN)), -1, 1);
  const width = o.slice(o.shape(sample), 0, 4, 5); // [1] int64
  const columns = g.node('Range', [
    g.constant('int64', [], [0]),
    o.reshape(width, []),
    g.constant('int64', [], [1]),
  ]);
  // Rolls along the width by k frames' drift: content moves right for k * direction > 0.
  const roll = (x: string, k: number) => {
    if (k === 0) return x;
    const by = o.toInt(g.node('Round', [o.mul(direction, o.c(k * DRIFT))]));
    const from = g.node('Mod', [
      o.add(o.sub(columns, by), o.mul(width, g.constant('int64', [], [F * DRIFT + 1]))),
      width,
    ]);
    return o.gather(x, from, 4);
  };

  const aligned = Array.from({ length: F }, (_, f) => roll(frame(f), -f));
  const mean = g.node('ReduceMean', [o.concat(aligned, 2)], { axes: [2], keepdims: 0 }); // [B, 4, h, w]
  const { out_sample: eps } = graftModel(g, toyUnetFile, 'toy/', {
    sample: mean,
    timestep,
    encoder_hidden_states: firstStates,
  });

  const tIndex = o.toInt(
    g.node('Clip', [g.node('Round', [timestep]), o.c(0), o.c(alphasCumprod.length - 1)]),
  );
  const abar = o.reshape(o.gather(o.c(alphasCumprod), tIndex), [-1, 1, 1, 1, 1]);
  const sigma = o.sqrt(o.sub(o.c(1), abar));
  const mean5 = o.unsqueeze(mean, [2]);
  const eps5 = o.unsqueeze(eps, [2]);
  const outs = Array.from({ length: F }, (_, f) =>
    o.add(o.div(o.sub(frame(f), roll(mean5, f)), sigma), roll(eps5, f)),
  );
  g.output(o.concat(outs, 2), 'out_sample', 'float32', ['batch', 4, F, 'height', 'width']);
  return g;
}
