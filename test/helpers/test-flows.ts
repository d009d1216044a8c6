// Small flows for orchestrator tests, built in the same shape as the shipped ones.
import type { ComponentDef, FlowDef, ResourceQueue } from '../../core/flows/flow-types.ts';

const c = (name: string, slot: number, deps: string[], queue: ResourceQueue = 'io'): ComponentDef => ({
  name,
  slot,
  deps,
  queue,
  timeoutMs: 10_000,
  retries: 2,
});

/** One module of `width` independent components, then one that needs them all. */
export function wideFlow(width: number): FlowDef {
  const parts = Array.from({ length: width }, (_, i) => c(`p${i}`, i, []));
  return {
    kind: 'imagine',
    modules: [
      { name: 'Wide', status: 'received', nextStatus: 'ingesting', components: parts },
      {
        name: 'Join',
        status: 'ingesting',
        nextStatus: 'delivering',
        components: [
          c(
            'join',
            width,
            parts.map((p) => p.name),
          ),
        ],
      },
    ],
  };
}

/** Just a render on the GPU queue, then a delivery. */
export function renderFlow(): FlowDef {
  return {
    kind: 'imagine',
    modules: [
      {
        name: 'Render',
        status: 'received',
        nextStatus: 'rendering',
        components: [c('render', 0, [], 'gpu')],
      },
      {
        name: 'Deliver',
        status: 'rendering',
        nextStatus: 'delivering',
        components: [c('reply-chat', 1, ['render'])],
      },
    ],
  };
}

/** Four chained components, one per module: three hops per job (the queue benchmark's flow). */
export function chainFlow(): FlowDef {
  return {
    kind: 'imagine',
    modules: [
      { name: 'A', status: 'received', nextStatus: 'ingesting', components: [c('a', 0, [])] },
      { name: 'B', status: 'ingesting', nextStatus: 'rendering', components: [c('b', 1, ['a'])] },
      { name: 'C', status: 'rendering', nextStatus: 'encoding', components: [c('c', 2, ['b'])] },
      { name: 'D', status: 'encoding', nextStatus: 'delivering', components: [c('d', 3, ['c'])] },
    ],
  };
}

/** A render on the GPU queue and nothing after it. */
export function renderOnlyFlow(): FlowDef {
  return {
    kind: 'imagine',
    modules: [
      {
        name: 'Render',
        status: 'received',
        nextStatus: 'rendering',
        components: [c('render', 0, [], 'gpu')],
      },
    ],
  };
}
