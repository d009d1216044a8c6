// The pictures of a finished job as bytes, in order, with their seeds.
import type { EncodedOutput } from '../../../queue/components/encode-image.ts';
import type { JobState } from '../../../queue/orchestrator/job-state.ts';
import type { ApiServices } from '../api-services.ts';
import { ApiError } from '../errors/api-error.ts';

export interface ResultPicture {
  bytes: Buffer;
  seed: number;
  artifact: string;
  contentType: string;
}

export async function resultPictures(s: ApiServices, state: JobState): Promise<ResultPicture[]> {
  const encoded = state.outputs['encode-image'] as EncodedOutput | undefined;
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
    });
  }
  return pictures;
}
