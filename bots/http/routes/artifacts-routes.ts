// GET /v1/artifacts/:id: a stored picture. Ids are random per put (128 bits), never derived from the
// bytes, so a link is its own capability (no key needed, an owner's key works as well) and the bytes
// behind an id never change: cached for good.
import { Hono } from 'hono';
import { isArtifactId } from '../../../queue/artifacts/artifact-store.ts';
import type { ApiServices } from '../api-services.ts';
import { ApiError } from '../errors/api-error.ts';
import type { HttpEnv } from '../http-deps.ts';

export function artifactsRoutes(s: ApiServices): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    const artifact = isArtifactId(id) ? await s.artifacts.get(id) : undefined;
    if (!artifact) throw new ApiError(404, 'not_found', 'no such artifact (results are kept for 7 days)');
    const headers: Record<string, string> = {
      'Content-Type': artifact.contentType,
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: `"${id}"`,
      // Stored bytes are served as what they are, never sniffed or run as a page.
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    };
    if (c.req.header('if-none-match') === `"${id}"`) return c.body(null, 304, headers);
    return c.body(new Uint8Array(artifact.bytes), 200, headers);
  });
  return app;
}
