// The buttons under a result: draw it again with a new seed, vary one picture, or upscale it.
import type { Job, JobRequest } from '../../core/job/job.ts';
import type { Origin } from '../../core/job/references.ts';

export const FOLLOW_UP_ACTIONS = ['reroll', 'variation', 'upscale'] as const;
export type FollowUpAction = (typeof FOLLOW_UP_ACTIONS)[number];

/** How far a variation may move from its picture: recognisably the same, visibly different. */
export const VARIATION_STRENGTH = 0.6;

function paramsOf(job: Job): Record<string, unknown> {
  const { seed: _seed, strength: _strength, ...rest } = job.params;
  return rest;
}

/**
 * The request a button press makes. Reroll repeats the job with a new seed; variation redraws
 * picture `index` at VARIATION_STRENGTH with a new seed; upscale draws it again at twice the size.
 */
export function followUpRequest(
  parent: Job,
  action: FollowUpAction,
  index: number,
  pictureArtifact: string,
  owner: string,
  origin: Origin,
): JobRequest {
  if (action === 'reroll') {
    return {
      kind: parent.kind,
      owner,
      origin,
      params: paramsOf(parent) as JobRequest['params'],
      inputs: parent.inputs,
      ...(parent.parent ? { parent: parent.parent } : {}),
    };
  }
  const params = { ...paramsOf(parent), count: 1 } as Record<string, unknown>;
  if (action === 'variation') params.strength = VARIATION_STRENGTH;
  return {
    kind: action,
    owner,
    origin,
    params: params as JobRequest['params'],
    inputs: { image: { type: 'artifact', id: pictureArtifact } },
    parent: { jobId: parent.id, index },
  };
}
