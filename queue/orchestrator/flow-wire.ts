// The compact form of a flow the Lua scripts read: deps as slot numbers, statuses per module.
// It is stored with each job, so a deploy that changes a flow never confuses running jobs.
import type { FlowDef } from '../../core/flows/flow-types.ts';

export interface WireFlow {
  modules: { nextStatus: string; components: { name: string; slot: number; deps: number[] }[] }[];
}

export function toWireFlow(flow: FlowDef): WireFlow {
  const slotOf = new Map(flow.modules.flatMap((m) => m.components.map((c) => [c.name, c.slot] as const)));
  return {
    modules: flow.modules.map((m) => ({
      nextStatus: m.nextStatus,
      components: m.components.map((c) => ({
        name: c.name,
        slot: c.slot,
        deps: c.deps.map((d) => slotOf.get(d)!),
      })),
    })),
  };
}
