// Wires the parts a process runs: queue system, artifact store, renderer thread, component workers,
// renderer heartbeat, sweepers. Roles and tests start what they need through this.
import os from 'node:os';
import path from 'node:path';
import { discordServices, withGuildRules } from '../bots/discord/discord-services.ts';
import { countTransitions, instrumentComponents } from '../bots/http/metrics/instrument-components.ts';
import { processMetrics } from '../bots/http/metrics/service-metrics.ts';
import { chatSurfaceServices } from '../bots/shared/chat-surfaces.ts';
import { telegramServices } from '../bots/telegram/telegram-services.ts';
import type { Config } from '../core/config/config.ts';
import type { Job } from '../core/job/job.ts';
import { FileArtifactStore } from '../queue/artifacts/file-artifact-store.ts';
import { componentHandlers } from '../queue/components/index.ts';
import type { ComponentServices } from '../queue/components/services.ts';
import type { LogLine } from '../queue/logging/logger.ts';
import { startedLine } from '../queue/orchestrator/job-log.ts';
import { makeKeys } from '../queue/orchestrator/keys.ts';
import { createQueueSystem, type QueueSystem } from '../queue/queue-system.ts';
import { admitRender } from '../queue/workers/admit-render.ts';
import { watchStoppedRenderers } from '../queue/workers/hand-on-stopped.ts';
import { preferIdleRenderer } from '../queue/workers/prefer-idle.ts';
import { preferLoadedRenderer } from '../queue/workers/prefer-loaded.ts';
import { WorkerRegistry } from '../queue/workers/worker-registry.ts';
import { modelDefaultsIn } from '../renderer/model/model-defaults-file.ts';
import { RenderHost } from '../renderer/thread/render-host.ts';

/** fetch-media's default limits, with loopback and private addresses allowed (ALLOW_PRIVATE_URLS). */
const PRIVATE_FETCH = { maxBytes: 20 * 1024 * 1024, timeoutMs: 15_000, allowPrivate: true };

export interface StackOptions {
  config: Config;
  redisUrl: string;
  prefix?: string;
  /** Run a renderer (GPU queue) in this process. */
  renderer?: boolean;
  /** Run the io and cpu components in this process. */
  components?: boolean;
  /** Refuse jobs no live renderer can serve (on by default). */
  admit?: boolean;
  services?: Partial<Omit<ComponentServices, 'artifacts' | 'limits' | 'renderHost'>> & { publicUrl?: string };
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  log?: LogLine;
}

export interface Stack {
  system: QueueSystem;
  artifacts: FileArtifactStore;
  registry: WorkerRegistry;
  renderHost?: RenderHost;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { config } = options;
  const log: LogLine = options.log ?? ((line: string) => console.log(line));
  const prefix = options.prefix ?? 'img';
  const keys = makeKeys(prefix);
  const metrics = processMetrics();
  let registry!: WorkerRegistry;
  const system = createQueueSystem({
    redisUrl: options.redisUrl,
    prefix,
    limits: config.owners,
    finishedTtlMs: config.resultTtlMs,
    admit: options.admit === false ? undefined : (job) => admitRender(registry, config.limits)(job),
    log,
    onTransition: countTransitions(metrics),
  });
  registry = new WorkerRegistry(system.redis, keys);
  const artifacts = new FileArtifactStore({ root: path.join(config.dataDir, 'artifacts') });
  const closers: (() => Promise<void>)[] = [];
  let renderHost: RenderHost | undefined;

  if (options.renderer) {
    // The jobs this renderer draws (several in a batch across jobs): while it draws one, what the
    // renderer logs (a model it loads) is that job's.
    const rendering = new Set<string>();
    const renderLog = (line: string) => {
      const only = rendering.size === 1 ? [...rendering][0] : undefined;
      log(line, only ? { jobId: only } : undefined);
    };
    renderHost = new RenderHost({
      modelsDir: config.modelsDir,
      session: {
        providers: config.onnx.providers,
        threads: config.onnx.threads,
        graphOptimization: config.onnx.graphOptimization,
        cacheDir: path.join(config.dataDir, 'onnx-cache'),
        log: renderLog,
      },
      memoryBudgetBytes: config.onnx.memoryBudgetMb * 1024 * 1024,
      batch: config.onnx.batch,
    });
    const host = renderHost;
    const id = `${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
    let models = await host.models();
    // Each model's natural size and imagine.json defaults travel with the heartbeat to admission.
    const warned = new Set<string>();
    const warnOnce = (line: string) => {
      if (!warned.has(line)) log(line);
      warned.add(line);
    };
    let modelDefaults = modelDefaultsIn(config.modelsDir, models.available, warnOnce);
    const stopBeat = registry.keepAlive(() => ({
      id,
      device: config.onnx.providers[0] ?? 'cpu',
      models: models.available,
      loaded: models.loaded,
      modelDefaults,
      maxPixels: config.limits.maxPixels,
      busy: rendering.size > 0,
      startedAt: Date.now(),
    }));
    const refreshModels = async () => {
      models = await host.models();
      modelDefaults = modelDefaultsIn(config.modelsDir, models.available, warnOnce);
    };
    const refresh = setInterval(() => void refreshModels().catch(() => undefined), 5000);
    refresh.unref();
    closers.push(async () => {
      clearInterval(refresh);
      await stopBeat();
    });
    const services: ComponentServices = {
      artifacts,
      limits: config.limits,
      resultTtlMs: config.resultTtlMs,
      renderHost: host,
      modelDefaults: (model) => modelDefaults[model],
      callbackSecret: config.callbackSecret,
      ...(config.allowPrivateUrls ? { fetch: PRIVATE_FETCH } : {}),
      ...options.services,
    };
    const handlers = instrumentComponents(metrics, componentHandlers(services));
    const render = handlers.render;
    handlers.render = async (ctx) => {
      rendering.add(ctx.jobId);
      log(startedLine(ctx.jobId, `render on ${id}`));
      try {
        return { ...((await render(ctx)) as object), renderer: id };
      } finally {
        rendering.delete(ctx.jobId);
        await refreshModels().catch(() => undefined);
      }
    };
    // Prefer a renderer that has the job's model loaded and nothing to do: loading costs seconds.
    const preferLoaded = preferLoadedRenderer(registry, id, async () => (await host.models()).loaded);
    // With batches across jobs, a job that finds this renderer drawing goes to an idle one if any.
    const preferIdle = preferIdleRenderer(registry, id, () => rendering.size > 0);
    const preferOther =
      config.onnx.batch.maxJobs > 1
        ? async (job: Job) => (await preferLoaded(job)) || (await preferIdle(job))
        : preferLoaded;
    await system.startWorkers(handlers, ['gpu'], {
      // A batch across jobs needs that many jobs taken at once: one worker slot per render in it.
      concurrency: { gpu: config.onnx.batch.maxJobs },
      preferOther,
      holds: registry.holdsOf(id),
      lockDurationMs: options.lockDurationMs,
      stalledIntervalMs: options.stalledIntervalMs,
      log,
    });
    log(`renderer ${id}: models ${models.available.join(', ') || 'none'} in ${config.modelsDir}`);
  }
  if (options.components !== false) {
    const chat = chatSurfaceServices({
      discord: discordServices(config, system, log),
      telegram: telegramServices(config, system, log),
    });
    const services: ComponentServices & { publicUrl?: string } = {
      artifacts,
      limits: config.limits,
      resultTtlMs: config.resultTtlMs,
      publicUrl: config.http.publicUrl,
      callbackSecret: config.callbackSecret,
      video: config.video,
      ...(config.allowPrivateUrls ? { fetch: PRIVATE_FETCH } : {}),
      ...options.services,
      repliers: { ...chat.repliers, ...options.services?.repliers },
      mediaResolvers: { ...chat.mediaResolvers, ...options.services?.mediaResolvers },
      moderation: withGuildRules(options.services?.moderation, config),
    };
    await system.startWorkers(instrumentComponents(metrics, componentHandlers(services)), ['io', 'cpu'], {
      log,
    });
    // Re-adds components lost between dispatch steps, and drops expired artifacts.
    const sweep = setInterval(() => {
      void system.orchestrator.sweep().catch(() => undefined);
      void artifacts.sweep().catch(() => undefined);
    }, 30_000);
    sweep.unref();
    closers.push(async () => clearInterval(sweep));
  }
  // A renderer whose heartbeat stops has its job handed on at once (any process may do it).
  closers.push(watchStoppedRenderers({ registry, queue: system.queues.gpu, log }));

  return {
    system,
    artifacts,
    registry,
    renderHost,
    async close() {
      for (const close of closers) await close();
      await system.close();
      await renderHost?.close();
    },
  };
}
