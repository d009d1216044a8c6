// The HTTP surface: the app factory, the server, and what configures them.
export { createHttpApp } from './create-http-app.ts';
export type { Caller, HttpDeps, HttpLimits } from './http-deps.ts';
export { DEFAULT_HTTP_LIMITS } from './http-deps.ts';
export { readHttpEnv } from './http-env.ts';
export { type HookConfig, parseHookConfigs } from './inbound/hook-config.ts';
export { isLoopbackHost, listenPolicy } from './listen-policy.ts';
export { type HttpServer, startHttpServer } from './server.ts';
