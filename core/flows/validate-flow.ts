// Checks flow definitions once at start, so a broken flow stops the service with every problem
// named instead of stalling jobs later. Fields read `flows.<kind>.<component>.<property>`, or
// `flows.<kind>.modules.<module>.<property>` for a module.
import { type FieldProblem, ValidationError } from '../errors.ts';
import { JOB_KINDS } from '../job/job.ts';
import { didYouMean } from '../text/closest.ts';
import { type ComponentDef, type FlowDef, isFinalStatus } from './flow-types.ts';
import { NOTIFY } from './notify.ts';

/** Two bits per component in a 64-bit word. */
export const MAX_COMPONENTS = 32;
// Names end up in field paths and in queue job ids, where `:` or spaces would be ambiguous.
const COMPONENT_NAME = /^[a-z][a-z0-9-]*$/;

interface Placed {
  component: ComponentDef;
  moduleIndex: number;
  moduleName: string;
}

export function flowProblems(flow: FlowDef): FieldProblem[] {
  const prefix = `flows.${flow.kind}`;
  const problems: FieldProblem[] = [];
  if (flow.modules.length === 0) {
    problems.push({ field: `${prefix}.modules`, problem: 'is empty: a flow needs at least one module' });
  }
  problems.push(...statusProblems(flow, prefix));

  const placed: Placed[] = flow.modules.flatMap((m, moduleIndex) =>
    m.components.map((component) => ({ component, moduleIndex, moduleName: m.name })),
  );
  if (placed.length > MAX_COMPONENTS) {
    problems.push({
      field: prefix,
      problem: `has ${placed.length} components: at most ${MAX_COMPONENTS} fit in the job's 64-bit called and returned words`,
    });
  }

  // The first component of a name is the one deps refer to; later ones are reported as duplicates.
  const byName = new Map<string, Placed>();
  const bySlot = new Map<number, string>();
  for (const p of placed) {
    const c = p.component;
    const field = `${prefix}.${c.name}`;
    const first = byName.get(c.name);
    if (first) {
      problems.push({
        field: `${field}.name`,
        problem: `is used twice (modules ${first.moduleName} and ${p.moduleName}): names must be unique in a flow`,
      });
    } else {
      byName.set(c.name, p);
    }
    if (c.name === NOTIFY) {
      problems.push({
        field: `${field}.name`,
        problem: 'is the name of the component that tells the origin a job failed: choose another name',
      });
    }
    if (!COMPONENT_NAME.test(c.name)) {
      problems.push({
        field: `${field}.name`,
        value: c.name,
        problem: 'must be lowercase letters, digits and -, starting with a letter',
      });
    }
    if (!Number.isInteger(c.slot) || c.slot < 0 || c.slot >= MAX_COMPONENTS) {
      problems.push({
        field: `${field}.slot`,
        value: c.slot,
        problem: `must be a whole number from 0 to ${MAX_COMPONENTS - 1}`,
      });
    } else if (bySlot.has(c.slot)) {
      problems.push({
        field: `${field}.slot`,
        value: c.slot,
        problem: `is also the slot of ${bySlot.get(c.slot)}: slots must be unique in a flow`,
      });
    } else {
      bySlot.set(c.slot, c.name);
    }
    if (!Number.isInteger(c.timeoutMs) || c.timeoutMs <= 0) {
      problems.push({
        field: `${field}.timeoutMs`,
        value: c.timeoutMs,
        problem: 'must be a positive whole number of milliseconds',
      });
    }
    if (!Number.isInteger(c.retries) || c.retries < 0) {
      problems.push({
        field: `${field}.retries`,
        value: c.retries,
        problem: 'must be a whole number, 0 or more',
      });
    }
  }

  const names = [...byName.keys()];
  for (const p of placed) {
    const field = `${prefix}.${p.component.name}.deps`;
    const seen = new Set<string>();
    for (const dep of p.component.deps) {
      if (seen.has(dep)) {
        problems.push({ field, value: dep, problem: 'is listed twice' });
        continue;
      }
      seen.add(dep);
      const target = byName.get(dep);
      if (!target) {
        problems.push({
          field,
          value: dep,
          problem: `names no component of this flow${didYouMean(dep, names)}`,
        });
      } else if (target.moduleIndex > p.moduleIndex) {
        problems.push({
          field,
          value: dep,
          problem: `is in the later module ${target.moduleName}: deps must be in this module or an earlier one`,
        });
      }
    }
  }

  for (const cycle of findCycles(placed, byName)) {
    problems.push({ field: `${prefix}.${cycle[0]}.deps`, problem: `form a cycle: ${cycle.join(' -> ')}` });
  }
  return problems;
}

/** Each module starts where the one before left the job, and no status is entered twice. */
function statusProblems(flow: FlowDef, prefix: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const enteredBy = new Map<string, string>([['received', 'a new job']]);
  flow.modules.forEach((m, i) => {
    const field = `${prefix}.modules.${m.name}`;
    if (m.components.length === 0) {
      problems.push({
        field: `${field}.components`,
        problem: 'is empty: a module needs at least one component',
      });
    }
    const prev = flow.modules[i - 1];
    if (!prev && m.status !== 'received') {
      problems.push({
        field: `${field}.status`,
        value: m.status,
        problem: 'must be received: the first module starts from a new job',
      });
    } else if (prev && m.status !== prev.nextStatus) {
      problems.push({
        field: `${field}.status`,
        value: m.status,
        problem: `must be ${prev.nextStatus}, the nextStatus of the module before (${prev.name})`,
      });
    }
    if (isFinalStatus(m.nextStatus)) {
      problems.push({
        field: `${field}.nextStatus`,
        value: m.nextStatus,
        problem: 'must not be a final status: the orchestrator sets those when the flow ends',
      });
    } else if (enteredBy.has(m.nextStatus)) {
      problems.push({
        field: `${field}.nextStatus`,
        value: m.nextStatus,
        problem: `is already the status of ${enteredBy.get(m.nextStatus)}: each module needs its own`,
      });
    } else {
      enteredBy.set(m.nextStatus, `module ${m.name}`);
    }
  });
  return problems;
}

/**
 * Cycles among deps, each once, starting at its member that comes first in the flow. Deps on
 * later modules are left out: they are reported on their own, and without them no cycle can
 * cross modules.
 */
function findCycles(placed: readonly Placed[], byName: ReadonlyMap<string, Placed>): string[][] {
  const order = new Map(placed.map((p, i) => [p.component.name, i]));
  const edges = (name: string): string[] => {
    const from = byName.get(name)!;
    return from.component.deps.filter((d) => {
      const to = byName.get(d);
      return to !== undefined && to.moduleIndex <= from.moduleIndex;
    });
  };
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles = new Map<string, string[]>();
  const visit = (name: string): void => {
    state.set(name, 'open');
    stack.push(name);
    for (const dep of edges(name)) {
      if (state.get(dep) === 'open') {
        const members = stack.slice(stack.indexOf(dep));
        const start = members.reduce((a, b) => (order.get(b)! < order.get(a)! ? b : a));
        const at = members.indexOf(start);
        const rotated = [...members.slice(at), ...members.slice(0, at)];
        // A dep points from dependant to dependency, so reading the stack in order follows it.
        cycles.set([...rotated].sort().join(' '), [...rotated, start]);
      } else if (!state.has(dep)) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of byName.keys()) if (!state.has(name)) visit(name);
  return [...cycles.values()].sort((a, b) => order.get(a[0])! - order.get(b[0])!);
}

/** Throws a ValidationError naming every problem of one flow. */
export function validateFlow(flow: FlowDef): void {
  const problems = flowProblems(flow);
  if (problems.length > 0) throw new ValidationError(problems, 'invalid flows');
}

/** Checks every flow, and that each job kind has exactly one. */
export function validateFlows(flows: readonly FlowDef[]): void {
  const problems: FieldProblem[] = [];
  for (const kind of JOB_KINDS) {
    const count = flows.filter((f) => f.kind === kind).length;
    if (count === 0)
      problems.push({ field: `flows.${kind}`, problem: 'is missing: every job kind needs a flow' });
    if (count > 1)
      problems.push({ field: `flows.${kind}`, problem: `is defined ${count} times: one flow per job kind` });
  }
  for (const flow of flows) problems.push(...flowProblems(flow));
  if (problems.length > 0) throw new ValidationError(problems, 'invalid flows');
}
