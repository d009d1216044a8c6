// Pure questions about a flow. The orchestrator's Lua scripts answer the same ones on the job's
// bits; these versions serve tests and the code that must agree with those scripts.
import type { ComponentDef, FlowDef, JobStatus } from './flow-types.ts';

export function componentByName(flow: FlowDef, name: string): ComponentDef | undefined {
  for (const m of flow.modules) {
    const found = m.components.find((c) => c.name === name);
    if (found) return found;
  }
  return undefined;
}

/** Index of the module that holds the component, or -1. */
export function moduleIndexOf(flow: FlowDef, componentName: string): number {
  return flow.modules.findIndex((m) => m.components.some((c) => c.name === componentName));
}

/** Index of the module that runs while the job has this status, or -1 (e.g. received, done). */
export function moduleIndexRunningAt(flow: FlowDef, status: JobStatus): number {
  return flow.modules.findIndex((m) => m.nextStatus === status);
}

export function allComponents(flow: FlowDef): ComponentDef[] {
  return flow.modules.flatMap((m) => m.components);
}

function slotOf(flow: FlowDef, name: string, dependant: string): number {
  const dep = componentByName(flow, name);
  // A validated flow never gets here; guessing "not done" would stall the job without a word.
  if (!dep) throw new Error(`flow ${flow.kind}: ${dependant} depends on unknown component ${name}`);
  return dep.slot;
}

/**
 * Components of the module that may start now: not called yet, and every dep returned success.
 * Several can be runnable at once (they then run in parallel).
 */
export function runnableComponents(
  flow: FlowDef,
  moduleIndex: number,
  called: (slot: number) => boolean,
  returnedOk: (slot: number) => boolean,
): ComponentDef[] {
  const module = flow.modules[moduleIndex];
  if (!module) throw new Error(`flow ${flow.kind} has no module ${moduleIndex}`);
  return module.components.filter(
    (c) => !called(c.slot) && c.deps.every((d) => returnedOk(slotOf(flow, d, c.name))),
  );
}

/** Whether every component of the module returned success, so the flow may move on. */
export function isModuleComplete(
  flow: FlowDef,
  moduleIndex: number,
  returnedOk: (slot: number) => boolean,
): boolean {
  const module = flow.modules[moduleIndex];
  if (!module) throw new Error(`flow ${flow.kind} has no module ${moduleIndex}`);
  return module.components.every((c) => returnedOk(c.slot));
}
