// Wraps a process's component handlers so that its metrics see each render (seconds, seconds per
// denoising step) and each failed delivery, and counts the job transitions its orchestrator makes.
// The handlers themselves stay as they are.
import type { ComponentHandler } from '../../../queue/orchestrator/component-worker.ts';
import type { JobTransition } from '../../../queue/orchestrator/orchestrator.ts';
import type { ServiceMetrics } from './service-metrics.ts';

/** The components that deliver to someone outside: a failure there is a failed delivery. */
const DELIVERIES = new Set(['reply-chat', 'callback', 'notify']);

function timedRender(metrics: ServiceMetrics, render: ComponentHandler): ComponentHandler {
  return async (ctx) => {
    const { model, sampler } = ctx.job.params;
    const started = performance.now();
    let lastStepAt: number | undefined;
    let lastStep = 0;
    const publish: typeof ctx.publish = (event) => {
      if (event.type === 'progress' && event.frameStep === undefined && event.step > lastStep) {
        const now = performance.now();
        // The first step also holds the prompt's encoding (and a model load): only intervals count.
        if (lastStepAt !== undefined)
          metrics.stepSeconds.observe(
            { model, sampler },
            (now - lastStepAt) / 1000 / (event.step - lastStep),
          );
        lastStepAt = now;
        lastStep = event.step;
      }
      return ctx.publish(event);
    };
    let outcome = 'failed';
    try {
      const result = await render({ ...ctx, publish });
      outcome = 'done';
      return result;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      metrics.renderSeconds.observe({ model, kind: ctx.job.kind, outcome }, seconds);
    }
  };
}

function countedDelivery(metrics: ServiceMetrics, name: string, deliver: ComponentHandler): ComponentHandler {
  return async (ctx) => {
    try {
      return await deliver(ctx);
    } catch (err) {
      metrics.deliveriesFailed.inc({ component: name, surface: ctx.job.origin.surface });
      throw err;
    }
  };
}

export function instrumentComponents(
  metrics: ServiceMetrics,
  handlers: Record<string, ComponentHandler>,
): Record<string, ComponentHandler> {
  const out: Record<string, ComponentHandler> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    if (name === 'render') out[name] = timedRender(metrics, handler);
    else if (DELIVERIES.has(name)) out[name] = countedDelivery(metrics, name, handler);
    else out[name] = handler;
  }
  return out;
}

/** The orchestrator's `onTransition`: jobs by state and kind, and how long the ended ones took. */
export function countTransitions(metrics: ServiceMetrics): (t: JobTransition) => void {
  return (t) => {
    metrics.jobs.inc({ state: t.status, kind: t.kind });
    if (t.durationMs !== undefined)
      metrics.jobSeconds.observe({ state: t.status, kind: t.kind }, t.durationMs / 1000);
  };
}
