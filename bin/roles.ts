// What each role starts. Roles fill in as the surfaces and workers land.
import type { Config } from '../core/index.ts';

export const ROLES = ['api', 'renderer', 'discord', 'telegram', 'all'] as const;
export type Role = (typeof ROLES)[number];

export async function startRole(role: Role, config: Config): Promise<void> {
  console.log(`role ${role}: models in ${config.modelsDir}, default model ${config.defaultModel}`);
  console.log(`role ${role}: nothing more to start yet`);
}
