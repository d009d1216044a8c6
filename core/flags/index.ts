export * from './aspect.ts';
export * from './flag-table.ts';
export * from './format.ts';
export * from './parse.ts';
