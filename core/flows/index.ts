export * from './flow-queries.ts';
export * from './flow-types.ts';
export * from './flows.ts';
export * from './notify.ts';
export * from './validate-flow.ts';
