// What an interrupted AUTOMATIC1111 request answers: A1111 stops sampling and returns the picture as far
// as it got. Here that is the render's latest preview (sent every few steps), as a PNG; a job stopped
// before its first preview answers with no pictures.
import sharp from 'sharp';
import type { JobState } from '../../../queue/orchestrator/job-state.ts';
import type { ApiServices } from '../api-services.ts';
import type { ResultPicture } from '../jobs/views/result-pictures.ts';

export async function interruptedPictures(s: ApiServices, state: JobState): Promise<ResultPicture[]> {
  const id = await s.events.latestPreview(state.id);
  const preview = id ? await s.artifacts.get(id) : undefined;
  if (!id || !preview) return [];
  const png = await sharp(preview.bytes).png().toBuffer();
  return [{ bytes: png, seed: state.job.params.seed, artifact: id, contentType: 'image/png' }];
}
