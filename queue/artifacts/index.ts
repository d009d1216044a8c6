export * from './artifact-store.ts';
export * from './file-artifact-store.ts';
