export * from './connect-redis.ts';
export * from './embedded-redis.ts';
export * from './resolve-redis.ts';
