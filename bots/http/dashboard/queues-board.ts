// The BullMQ queues (io, cpu, gpu) in bull-board, read-only: the orchestrator owns every BullMQ job
// (a retried or added one would bypass the job's state), so the board shows and never changes them.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { IServerAdapter } from '@bull-board/api/typings/app';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Queue } from 'bullmq';
import type { Hono } from 'hono';

export function queuesBoard(queues: readonly Queue[], basePath: string): Hono {
  const adapter = new HonoAdapter(serveStatic).setBasePath(basePath);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    // @bull-board/hono pins its own copy of @bull-board/api (a patch version behind): same shape.
    serverAdapter: adapter as unknown as IServerAdapter,
    options: { uiConfig: { boardTitle: 'imagine-bot queues' } },
  });
  return adapter.registerPlugin();
}
