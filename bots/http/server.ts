// Listens with the HTTP app: checks the listen policy and the hooks' destinations first, and says at
// start whether the API is open (and, loudly, when private addresses are allowed). Keys, hooks and
// limits not given in deps are read from the environment (see http-env.ts), so a role can start it
// from a stack alone: startHttpServer(config, stack, log).
// Slow clients are bounded: the headers and the whole request must arrive in time, and connections
// over the cap are closed at once.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Config } from '../../core/config/config.ts';
import { createHttpApp } from './create-http-app.ts';
import type { HttpDeps } from './http-deps.ts';
import { readHttpEnv } from './http-env.ts';
import { checkHookDestinations } from './inbound/check-hook-destinations.ts';
import { listenPolicy } from './listen-policy.ts';

export interface HttpServer {
  /** `http://host:port`, as bound. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const PRIVATE_URLS_WARNING =
  'WARNING: ALLOW_PRIVATE_URLS=true: image URLs, callbacks and hook destinations may reach loopback and private addresses of this network. For local development only: never on a server others can reach.';

/** How often Node checks the request and header timeouts (its default, 30 s, would let them overrun). */
const TIMEOUT_CHECK_MS = 1000;

export async function startHttpServer(
  config: Config,
  deps: Omit<HttpDeps, 'config'>,
  log: (line: string) => void = deps.log ?? ((line) => console.log(line)),
): Promise<HttpServer> {
  const { host, port } = config.http;
  const needsEnv = deps.apiKeys === undefined || deps.hooks === undefined || deps.limits === undefined;
  const env = needsEnv ? readHttpEnv(process.env, config) : undefined;
  const apiKeys = deps.apiKeys ?? env?.apiKeys ?? [];
  if (deps.apiKeys === undefined) for (const line of env?.notices ?? []) log(line);
  const hooks = deps.hooks ?? env?.hooks ?? [];
  const allowPrivate = deps.allowPrivateCallbacks ?? config.allowPrivateUrls;
  const policy = listenPolicy(host, apiKeys.length);
  await checkHookDestinations(hooks, { allowPrivate, log });
  const app = createHttpApp({
    ...deps,
    config,
    log,
    apiKeys,
    hooks,
    limits: deps.limits ?? env?.limits,
    allowPrivateCallbacks: allowPrivate,
  });
  const { requestTimeoutMs, maxConnections } = config.http;
  const headersTimeoutMs = Math.min(config.http.headersTimeoutMs, requestTimeoutMs);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        hostname: host,
        port,
        serverOptions: {
          requestTimeout: requestTimeoutMs,
          headersTimeout: headersTimeoutMs,
          connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, headersTimeoutMs),
        },
      },
      () => resolve(s as Server),
    );
    s.once('error', reject);
  });
  server.maxConnections = maxConnections;
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${bound}`;
  if (config.allowPrivateUrls) log(PRIVATE_URLS_WARNING);
  log(`http: listening on ${url}; ${policy}`);
  return {
    url,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
