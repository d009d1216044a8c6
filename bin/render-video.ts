// The render CLI's videos: an --out ending in .mp4, .webm or .gif makes an animation with the prompt's
// video flags (--motion, --frames, --fps, --strength-schedule, --morph-seed), encoded by ffmpeg.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FieldProblem } from '../core/errors.ts';
import type { ModelCache } from '../renderer/model/model-cache.ts';
import { animate } from '../renderer/pipelines/animate.ts';
import type { AnimateRequest } from '../renderer/pipelines/animate-request.ts';
import { encodeVideo } from '../renderer/video/encode-video.ts';
import type { VideoContainer } from '../renderer/video/video-frames.ts';

const CONTAINERS: readonly VideoContainer[] = ['mp4', 'webm', 'gif'];

/** The video format an output file asks for, from its extension; undefined for a picture. */
export function videoFormatOf(out: string): VideoContainer | undefined {
  const ext = path.extname(out).slice(1).toLowerCase() as VideoContainer;
  return CONTAINERS.includes(ext) ? ext : undefined;
}

/** A video flag given with a picture --out: say how to get a video here. */
export function videoFlagHint(p: FieldProblem): FieldProblem {
  return p.problem.startsWith('makes a video, which only animate')
    ? { ...p, problem: 'makes a video: give --out a .mp4, .webm or .gif file (or remove it for a picture)' }
    : p;
}

/** What a video cannot use of the CLI's options, in words: nothing asked for is dropped. */
export function videoOptionProblems(mask: string | undefined, count: number | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (mask !== undefined) {
    problems.push({ field: '--mask', problem: 'cannot be used for a video: remove it, or write a picture' });
  }
  if (count !== undefined && count > 1) {
    problems.push({
      field: '--n',
      value: count,
      problem: 'makes several pictures, but a video is one clip: remove it',
    });
  }
  return problems;
}

export interface VideoRun {
  cache: ModelCache;
  model: string;
  out: string;
  format: VideoContainer;
  request: AnimateRequest;
  ffmpegPath?: string;
  /** Writes each finished frame here as a JPEG. */
  previewDir?: string;
}

export async function renderVideo(run: VideoRun): Promise<string[]> {
  const model = await run.cache.get(run.model);
  const started = performance.now();
  let lastFrame = 0;
  const result = await animate(model, run.request, {
    onProgress: (p) => {
      if (p.preview && p.frame !== undefined && p.frame !== lastFrame) {
        lastFrame = p.frame;
        process.stderr.write(`frame ${p.frame}/${p.frames}${p.frame === p.frames ? '\n' : '\r'}`);
        if (run.previewDir) {
          writeFileSync(
            path.join(run.previewDir, `frame-${String(p.frame).padStart(3, '0')}.jpg`),
            p.preview,
          );
        }
      }
    },
  });
  const rendered = performance.now();
  const video = await encodeVideo(
    { width: result.width, height: result.height, fps: result.fps, frames: result.frames },
    { format: run.format, binary: run.ffmpegPath },
  );
  const encodeMs = performance.now() - rendered;
  writeFileSync(run.out, video.bytes);
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  console.log(`seed ${result.seed} -> ${run.out}`);
  console.log(
    `animate on ${result.model}, ${video.width}x${video.height}, ${video.frames} frames at ${video.fps} fps, ` +
      `${run.format} ${video.bytes.length} bytes: ${seconds(rendered - started)} s rendering ` +
      `(${seconds((rendered - started) / result.frames.length)} s a frame), ${seconds(encodeMs)} s encoding`,
  );
  return [...result.warnings, ...video.warnings];
}
