// The pictures (or an animate job's clip) of a finished job as bytes, in order, with their seeds.
import { encodedOutputOf } from '../../../../queue/components/encoded-output.ts';
import type { JobState } from '../../../../queue/orchestrator/job-state.ts';
import type { ApiServices } from '../../api-services.ts';
import { ApiError } from '../../errors/api-error.ts';

export interface ResultPicture {
  bytes: Buffer;
  seed: number;
  artifact: string;
  contentType: string;
  /** The A1111 parameters text the render wrote into the picture (absent for previews). */
  infotext?: string;
}

export async function resultPictures(s: ApiServices, state: JobState): Promise<ResultPicture[]> {
  const encoded = encodedOutputOf(state.outputs);
  if (!encoded) throw new ApiError(500, 'internal', `job ${state.id} finished without pictures`);
  const pictures: ResultPicture[] = [];
  for (const image of encoded.images) {
    const stored = await s.artifacts.get(image.artifact);
    if (!stored) throw new ApiError(410, 'gone', `a picture of job ${state.id} has expired`);
    pictures.push({
      bytes: stored.bytes,
      seed: image.seed,
      artifact: image.artifact,
      contentType: image.contentType,
      ...(image.infotext === undefined ? {} : { infotext: image.infotext }),
    });
  }
  return pictures;
}

/** An animate job's clip as bytes, with what was given up to fit its budget. */
export async function resultVideo(
  s: ApiServices,
  state: JobState,
): Promise<{ bytes: Buffer; artifact: string; contentType: string; warnings: string[] }> {
  const encoded = encodedOutputOf(state.outputs);
  if (!encoded?.video) throw new ApiError(500, 'internal', `job ${state.id} finished without a video`);
  const stored = await s.artifacts.get(encoded.video.artifact);
  if (!stored) throw new ApiError(410, 'gone', `the video of job ${state.id} has expired`);
  return {
    bytes: stored.bytes,
    artifact: encoded.video.artifact,
    contentType: encoded.video.contentType,
    warnings: encoded.warnings,
  };
}
