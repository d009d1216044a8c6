// GET /: the web page (prompt box, live progress and preview, the result and its buttons, the caller's
// gallery), and the files it loads under /web/. It talks to the public API like any client.
import { Hono } from 'hono';
import type { HttpEnv } from '../http-deps.ts';
import { readAsset, serveAsset } from './static-asset.ts';

const asset = (name: string) => readAsset(new URL(`./assets/${name}`, import.meta.url));

export function webRoutes(options: { keysRequired: boolean }): Hono<HttpEnv> {
  const page = asset('index.html').replace(
    'data-auth="open"',
    `data-auth="${options.keysRequired ? 'key' : 'open'}"`,
  );
  const app = new Hono<HttpEnv>();
  app.get('/', serveAsset(page, 'html'));
  app.get('/web/app.js', serveAsset(asset('app.js'), 'js'));
  app.get('/web/api.js', serveAsset(asset('api.js'), 'js'));
  app.get('/web/sse.js', serveAsset(asset('sse.js'), 'js'));
  app.get('/web/follow-ups.js', serveAsset(asset('follow-ups.js'), 'js'));
  app.get('/web/style.css', serveAsset(asset('style.css'), 'css'));
  return app;
}
