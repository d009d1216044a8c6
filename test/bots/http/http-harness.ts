// A real HTTP server over a real stack for the HTTP tests: its own Redis key prefix, its own data
// directory, removed again on close.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Stack, type StackOptions, startStack } from '../../../bin/stack.ts';
import type { HttpDeps } from '../../../bots/http/http-deps.ts';
import { type HttpServer, startHttpServer } from '../../../bots/http/server.ts';
import { type Config, parseConfig } from '../../../core/index.ts';
import { deleteKeys } from '../../helpers/delete-keys.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../../helpers/redis-url.ts';

export const CALLBACK_SECRET = 'whsec_dGVzdC1jYWxsYmFjay1zZWNyZXQtMTIzNDU2Nzg=';

export interface HarnessOptions {
  name: string;
  env?: Record<string, string>;
  stack?: Partial<Omit<StackOptions, 'config' | 'redisUrl' | 'prefix'>>;
  deps?: Partial<Omit<HttpDeps, 'config' | 'system' | 'artifacts' | 'registry'>>;
}

export interface Harness {
  url: string;
  config: Config;
  stack: Stack;
  prefix: string;
  logs: string[];
  fetch(pathname: string, init?: RequestInit): Promise<Response>;
  json(pathname: string, body: unknown, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `http-${options.name}-`));
  const config = parseConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    OWNER_PER_MINUTE: '0',
    OWNER_MAX_ACTIVE: '0',
    CALLBACK_SECRET,
    ...options.env,
  });
  const prefix = uniquePrefix(`http-${options.name}`);
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const stack = await startStack({
    config,
    redisUrl: TEST_REDIS_URL,
    prefix,
    renderer: false,
    components: false,
    admit: false,
    log,
    ...options.stack,
  });
  let server: HttpServer;
  try {
    server = await startHttpServer(config, {
      system: stack.system,
      artifacts: stack.artifacts,
      registry: stack.registry,
      allowPrivateCallbacks: true,
      apiKeys: [],
      hooks: [],
      limits: {},
      log,
      ...options.deps,
    });
  } catch (err) {
    await stack.close();
    throw err;
  }
  const url = server.url;
  return {
    url,
    config,
    stack,
    prefix,
    logs,
    fetch: (pathname, init) => fetch(`${url}${pathname}`, init),
    json: (pathname, body, init = {}) =>
      fetch(`${url}${pathname}`, {
        method: 'POST',
        ...init,
        headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
        body: JSON.stringify(body),
      }),
    async close() {
      await server.close();
      await stack.close();
      await deleteKeys(prefix);
      // A render stopped at close may still be writing its last artifact: retry while it lands.
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

/** A response's JSON for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test bodies are checked field by field by the assertions
export async function bodyOf(res: Response | Promise<Response>): Promise<any> {
  return (await res).json();
}
