export * from './job.ts';
export * from './limits.ts';
export * from './model-defaults.ts';
export * from './params.ts';
export * from './references.ts';
export * from './video.ts';
