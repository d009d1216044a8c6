// GET /v1/loras and A1111's GET /sdapi/v1/loras (behind the API key): the LoRA files of LORAS_DIR
// that prompts can name (`--lora NAME`, `<lora:NAME:0.8>`). Names only: server paths are not shown.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import type { ApiServices } from '../api-services.ts';
import type { HttpEnv } from '../http-deps.ts';

const EXTENSION = '.safetensors';

export function loraFiles(lorasDir: string): { name: string; bytes: number }[] {
  if (!existsSync(lorasDir)) return [];
  return readdirSync(lorasDir)
    .filter((f) => f.endsWith(EXTENSION))
    .sort()
    .map((f) => ({ name: f.slice(0, -EXTENSION.length), bytes: statSync(path.join(lorasDir, f)).size }));
}

export function lorasRoutes(s: ApiServices): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.use(s.requireKey);
  app.get('/', (c) => c.json({ loras: loraFiles(s.config.lorasDir) }));
  return app;
}

export function a1111LorasRoutes(s: ApiServices): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.use(s.requireKey);
  app.get('/', (c) =>
    c.json(
      loraFiles(s.config.lorasDir).map((l) => ({
        name: l.name,
        alias: l.name,
        path: `${l.name}${EXTENSION}`,
        metadata: {},
      })),
    ),
  );
  return app;
}
