// The Redis key prefix of the stack a queue system belongs to, so a surface's keys (settings, message
// links) sit next to the jobs' in every process without being passed around.
import type { QueueSystem } from '../../queue/queue-system.ts';

export function stackKeyPrefix(system: Pick<QueueSystem, 'orchestrator'>): string {
  const active = system.orchestrator.keys.active;
  return active.endsWith(':active') ? active.slice(0, -':active'.length) : 'img';
}
