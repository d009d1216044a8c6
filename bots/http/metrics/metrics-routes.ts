// GET /metrics in Prometheus' text format: this process's own metrics and the cluster's, read from
// Redis at each scrape. Open like /healthz (it names no user, prompt or key), for scrapers.
import { Hono } from 'hono';
import { Registry } from 'prom-client';
import type { HttpEnv } from '../http-deps.ts';
import { type ClusterSources, clusterMetrics } from './cluster-metrics.ts';
import { processMetrics, type ServiceMetrics } from './service-metrics.ts';

export function metricsRoutes(
  sources: ClusterSources,
  metrics: ServiceMetrics = processMetrics(),
): Hono<HttpEnv> {
  const registry = Registry.merge([metrics.registry, clusterMetrics(sources)]);
  const app = new Hono<HttpEnv>();
  app.get('/', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  return app;
}
