export * from './flow-queries.ts';
export * from './flow-types.ts';
export * from './flows.ts';
export * from './validate-flow.ts';
