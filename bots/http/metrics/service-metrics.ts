// What this process measures as it works, in prom-client's registry: jobs by state and kind, render
// and denoising-step seconds, failed deliveries. One per process (the parts that work and the route
// that answers /metrics meet here); the queue's own numbers are read at scrape time (cluster-metrics).
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** From a 128x128 toy render to a slow CPU render of SD 1.5. */
const RENDER_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const STEP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly jobs = new Counter({
    name: 'imagine_jobs_total',
    help: 'Jobs accepted, and jobs that ended (done, failed, cancelled), by the process that made the transition',
    labelNames: ['state', 'kind'] as const,
    registers: [this.registry],
  });
  readonly jobSeconds = new Histogram({
    name: 'imagine_job_seconds',
    help: 'Seconds from submit to the end of a job',
    labelNames: ['state', 'kind'] as const,
    buckets: RENDER_BUCKETS,
    registers: [this.registry],
  });
  readonly renderSeconds = new Histogram({
    name: 'imagine_render_seconds',
    help: 'Seconds a render component took on this renderer, by model and outcome',
    labelNames: ['model', 'kind', 'outcome'] as const,
    buckets: RENDER_BUCKETS,
    registers: [this.registry],
  });
  readonly stepSeconds = new Histogram({
    name: 'imagine_render_step_seconds',
    help: 'Seconds between two denoising steps of a render (its progress events), by model and sampler',
    labelNames: ['model', 'sampler'] as const,
    buckets: STEP_BUCKETS,
    registers: [this.registry],
  });
  readonly deliveriesFailed = new Counter({
    name: 'imagine_deliveries_failed_total',
    help: 'Failed delivery attempts (chat replies, callbacks, failure notices), by component and surface',
    labelNames: ['component', 'surface'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'imagine_process_' });
  }
}

let shared: ServiceMetrics | undefined;

/** This process's metrics. */
export function processMetrics(): ServiceMetrics {
  shared ??= new ServiceMetrics();
  return shared;
}
