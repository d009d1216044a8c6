export * from './config/config.ts';
export * from './errors.ts';
export * from './flags/index.ts';
export * from './job/index.ts';
export * from './text/closest.ts';
