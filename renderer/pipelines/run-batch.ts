// Renders of several jobs as one batch: each job runs its own pipeline (its prompt, seeds, generators
// and schedulers, progress, previews, cancel and failure) while their UNet calls are joined into one
// per step (shared-unet.ts). Which renders may share a UNet call is what batchKey says.
import type { ModelCache } from '../model/model-cache.ts';
import type { RenderHooks, RenderRequest, RenderResult } from './render-request.ts';
import { pipelineFor, runPipeline } from './run-pipeline.ts';
import { SharedUnet } from './shared-unet.ts';

export interface BatchMember {
  /** Names the render in the batch's log lines; unique within the batch. */
  label: string;
  request: RenderRequest;
  hooks?: RenderHooks;
}

/**
 * Renders with the same key take the same UNet calls at the same timesteps: same model (and LoRAs and
 * VAE), pipeline, size, steps, sampler and guidance, and for a start from a picture the same strength.
 * Prompts, seeds and picture counts may differ.
 */
export function batchKey(model: string, request: RenderRequest): string {
  const pipeline = pipelineFor(request);
  return JSON.stringify([
    model,
    pipeline,
    request.width,
    request.height,
    request.steps,
    request.sampler,
    request.guidance,
    pipeline === 'txt2img' ? null : request.strength,
    request.loras ?? [],
    request.vae ?? null,
  ]);
}

/** One promise per member, settled when that member's pictures are done (or it failed). */
export function runBatch(
  cache: ModelCache,
  model: string,
  members: readonly BatchMember[],
  log?: (line: string) => void,
): Promise<RenderResult>[] {
  const shared = new SharedUnet(
    members.map((m) => m.label),
    log,
  );
  return members.map(async (member) => {
    const hooks: RenderHooks = {
      ...(member.hooks?.signal ? { signal: member.hooks.signal } : {}),
      onProgress: (p) => {
        // Its last step is taken: the others need not wait for it while it decodes.
        if (p.step >= p.total) shared.leave(member.label);
        member.hooks?.onProgress?.(p);
      },
    };
    try {
      return await runPipeline(cache, model, member.request, hooks, (loaded) => ({
        ...loaded,
        unet: shared.unetFor(member.label, loaded.unet),
      }));
    } finally {
      shared.leave(member.label);
    }
  });
}
