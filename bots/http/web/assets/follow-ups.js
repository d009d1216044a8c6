// The bodies the buttons POST to /v1/jobs, as the chat bots build them (bots/shared/follow-ups.ts):
// reroll repeats the job with a new seed; vary redraws one picture at strength 0.6; upscale draws it
// again at twice the size.
const VARIATION_STRENGTH = 0.6;

function paramsOf(job) {
  const { seed: _seed, strength: _strength, prompt: _prompt, ...rest } = job.params;
  return rest;
}

export function rerollBody(job) {
  return {
    kind: job.kind,
    prompt: job.params.prompt,
    params: paramsOf(job),
    ...(job.inputs?.image ? { image: job.inputs.image } : {}),
    ...(job.inputs?.mask ? { mask: job.inputs.mask } : {}),
    ...(job.parent ? { parent: job.parent } : {}),
  };
}

export function followUpBody(job, action, index) {
  const picture = job.result.images[index];
  const params = { ...paramsOf(job), count: 1 };
  if (action === 'variation') params.strength = VARIATION_STRENGTH;
  return {
    kind: action,
    prompt: job.params.prompt,
    params,
    image: { artifact: picture.artifact },
    parent: { jobId: job.id, index },
  };
}
