// GET /v1/models (behind the API key): the models live renderers can draw with, from their heartbeats,
// with each one's family, natural size and own defaults.
import { Hono } from 'hono';
import type { ApiServices } from '../api-services.ts';
import type { HttpEnv } from '../http-deps.ts';
import type { ModelsView } from '../openapi/response-schemas.ts';

export async function modelsView(s: ApiServices): Promise<ModelsView> {
  const workers = await s.registry.live();
  const byName = new Map<string, ModelsView['models'][number]>();
  for (const w of workers) {
    for (const name of w.models) {
      const m = byName.get(name) ?? { name, renderers: 0, loaded: 0, devices: [], maxPixels: 0 };
      m.renderers++;
      if (w.loaded.includes(name)) m.loaded++;
      if (!m.devices.includes(w.device)) m.devices.push(w.device);
      m.maxPixels = Math.max(m.maxPixels, w.maxPixels);
      const own = w.modelDefaults?.[name];
      if (own && m.family === undefined) {
        const { family, width, height, ...defaults } = own;
        Object.assign(m, { family, width, height }, Object.keys(defaults).length > 0 ? { defaults } : {});
      }
      byName.set(name, m);
    }
  }
  const models = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const m of models) m.devices.sort();
  return { models, renderers: workers.length };
}

export function modelsRoutes(s: ApiServices): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.use(s.requireKey);
  app.get('/', async (c) => c.json(await modelsView(s)));
  return app;
}
