// Ingest: checks the job again against this process's limits (a job may wait while limits change).
import { createJob } from '../../core/job/job.ts';
import type { ComponentHandler } from '../orchestrator/component-worker.ts';
import type { ComponentServices } from './services.ts';

export function validateComponent(services: ComponentServices): ComponentHandler {
  return async (ctx) => {
    const { id, createdAt, warnings: _warnings, ...request } = ctx.job;
    createJob(request, { limits: services.limits, id, now: new Date(createdAt) });
    return { valid: true };
  };
}
