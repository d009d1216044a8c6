// Listens with the HTTP app: checks the listen policy first and says at start whether the API is open.
// Keys, hooks and limits not given in deps are read from the environment (see http-env.ts), so a role
// can start it from a stack alone: startHttpServer(config, stack, log).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Config } from '../../core/config/config.ts';
import { createHttpApp } from './create-http-app.ts';
import type { HttpDeps } from './http-deps.ts';
import { readHttpEnv } from './http-env.ts';
import { listenPolicy } from './listen-policy.ts';

export interface HttpServer {
  /** `http://host:port`, as bound. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(
  config: Config,
  deps: Omit<HttpDeps, 'config'>,
  log: (line: string) => void = deps.log ?? ((line) => console.log(line)),
): Promise<HttpServer> {
  const { host, port } = config.http;
  const needsEnv = deps.apiKeys === undefined || deps.hooks === undefined || deps.limits === undefined;
  const env = needsEnv ? readHttpEnv(process.env, config) : undefined;
  const apiKeys = deps.apiKeys ?? env?.apiKeys ?? [];
  const policy = listenPolicy(host, apiKeys.length);
  const app = createHttpApp({
    ...deps,
    config,
    log,
    apiKeys,
    hooks: deps.hooks ?? env?.hooks ?? [],
    limits: deps.limits ?? env?.limits,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
    s.once('error', reject);
  });
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${bound}`;
  log(`http: listening on ${url}; ${policy}`);
  return {
    url,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
