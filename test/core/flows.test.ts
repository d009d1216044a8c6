import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import {
  type ComponentDef,
  componentByName,
  FINAL_STATUSES,
  FLOWS,
  type FlowDef,
  flowFor,
  flowProblems,
  isFinalStatus,
  isModuleComplete,
  JOB_STATUSES,
  type ModuleDef,
  moduleIndexOf,
  moduleIndexRunningAt,
  NOTIFY,
  runnableComponents,
  validateFlow,
  validateFlows,
} from '../../core/flows/index.ts';
import { JOB_KINDS } from '../../core/job/job.ts';

function c(name: string, slot: number, deps: string[] = [], extra: Partial<ComponentDef> = {}): ComponentDef {
  return { name, slot, deps, queue: 'io', timeoutMs: 1000, retries: 0, ...extra };
}

/** A small valid flow the invalid cases start from. */
function sample(): FlowDef {
  return {
    kind: 'inpaint',
    modules: [
      {
        name: 'ingest',
        status: 'received',
        nextStatus: 'ingesting',
        components: [c('validate', 0), c('fetch-media', 1, ['validate']), c('moderate', 2, ['validate'])],
      },
      {
        name: 'render',
        status: 'ingesting',
        nextStatus: 'rendering',
        components: [c('render', 3, ['fetch-media', 'moderate'], { queue: 'gpu' })],
      },
    ],
  };
}

/** The flow with one component changed. */
function edit(flow: FlowDef, name: string, patch: Partial<ComponentDef>): FlowDef {
  return {
    ...flow,
    modules: flow.modules.map((m) => ({
      ...m,
      components: m.components.map((x) => (x.name === name ? { ...x, ...patch } : x)),
    })),
  };
}

/** The flow with one module changed. */
function editModule(flow: FlowDef, name: string, patch: Partial<ModuleDef>): FlowDef {
  return { ...flow, modules: flow.modules.map((m) => (m.name === name ? { ...m, ...patch } : m)) };
}

function errorOf(run: () => void): ValidationError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

function messageOf(flow: FlowDef): string {
  return errorOf(() => validateFlow(flow)).message;
}

describe('shipped flows', () => {
  it('has one valid flow per job kind', () => {
    expect(() => validateFlows(Object.values(FLOWS))).not.toThrow();
    for (const kind of JOB_KINDS) {
      expect(flowFor(kind).kind).toBe(kind);
      expect(flowProblems(flowFor(kind))).toEqual([]);
    }
  });

  it('fetches media only for kinds with an input picture (animate may start from one)', () => {
    const fetching = JOB_KINDS.filter((k) => componentByName(flowFor(k), 'fetch-media'));
    expect(fetching).toEqual(['remix', 'inpaint', 'animate', 'upscale', 'variation']);
    expect(componentByName(flowFor('inpaint'), 'render')?.deps).toEqual(['fetch-media', 'moderate']);
    expect(componentByName(flowFor('imagine'), 'render')?.deps).toEqual(['moderate']);
  });

  it('follows the module layout of the inpaint example', () => {
    const flow = flowFor('inpaint');
    expect(
      flow.modules.map((m) => [
        m.name,
        m.status,
        m.nextStatus,
        m.components.map((x) => `${x.slot}:${x.name}`),
      ]),
    ).toEqual([
      ['ingest', 'received', 'ingesting', ['0:validate', '1:fetch-media', '2:moderate']],
      ['render', 'ingesting', 'rendering', ['3:render']],
      ['encode', 'rendering', 'encoding', ['4:encode-image']],
      ['deliver', 'encoding', 'delivering', ['5:reply-chat', '6:callback', '7:archive']],
    ]);
    expect(componentByName(flow, 'render')).toMatchObject({ queue: 'gpu', retries: 1 });
    expect(componentByName(flow, 'encode-image')?.queue).toBe('cpu');
    expect(componentByName(flow, 'callback')).toMatchObject({ queue: 'io', retries: 3 });
    expect(componentByName(flow, 'render')!.timeoutMs).toBeGreaterThanOrEqual(60_000);
    expect(componentByName(flow, 'callback')!.timeoutMs).toBeLessThan(60_000);
  });

  it('encodes video for animate and images for the rest', () => {
    expect(componentByName(flowFor('animate'), 'encode-video')?.queue).toBe('cpu');
    expect(componentByName(flowFor('animate'), 'encode-image')).toBeUndefined();
    expect(componentByName(flowFor('animate'), 'archive')?.deps).toEqual(['encode-video']);
    expect(componentByName(flowFor('upscale'), 'encode-image')).toBeDefined();
  });
});

describe('flow validation', () => {
  it('names an unknown dep and suggests the near one', () => {
    const flow = edit(sample(), 'render', { deps: ['fetch-mdia', 'moderate'] });
    expect(messageOf(flow)).toBe(
      'invalid flows: flows.inpaint.render.deps: "fetch-mdia" names no component of this flow (did you mean fetch-media?)',
    );
  });

  it('names a cycle once, from its first member', () => {
    const flow = edit(edit(sample(), 'validate', { deps: ['moderate'] }), 'moderate', {
      deps: ['fetch-media'],
    });
    expect(messageOf(flow)).toBe(
      'invalid flows: flows.inpaint.validate.deps form a cycle: validate -> moderate -> fetch-media -> validate',
    );
  });

  it('counts a component waiting for itself as a cycle', () => {
    const flow = edit(sample(), 'validate', { deps: ['validate'] });
    expect(messageOf(flow)).toBe(
      'invalid flows: flows.inpaint.validate.deps form a cycle: validate -> validate',
    );
  });

  it('refuses a dep on a later module', () => {
    const flow = edit(sample(), 'moderate', { deps: ['validate', 'render'] });
    expect(messageOf(flow)).toBe(
      'invalid flows: flows.inpaint.moderate.deps: "render" is in the later module render: deps must be in this module or an earlier one',
    );
  });

  it('refuses duplicate names and slots', () => {
    const base = sample();
    const flow = editModule(base, 'render', {
      components: [...base.modules[1].components, c('moderate', 2, [], { queue: 'gpu' })],
    });
    const err = errorOf(() => validateFlow(flow));
    expect(err.problems).toEqual([
      {
        field: 'flows.inpaint.moderate.name',
        problem: 'is used twice (modules ingest and render): names must be unique in a flow',
      },
      {
        field: 'flows.inpaint.moderate.slot',
        value: 2,
        problem: 'is also the slot of moderate: slots must be unique in a flow',
      },
    ]);
  });

  it('refuses a component named like the notify component, which runs outside every flow', () => {
    const base = sample();
    const flow = editModule(base, 'render', {
      components: [...base.modules[1].components, c(NOTIFY, 4, ['render'])],
    });
    expect(errorOf(() => validateFlow(flow)).problems).toEqual([
      {
        field: 'flows.inpaint.notify.name',
        problem: 'is the name of the component that tells the origin a job failed: choose another name',
      },
    ]);
  });

  it('lists the final statuses once, as statuses a job can have', () => {
    expect([...FINAL_STATUSES]).toEqual(['done', 'failed', 'cancelled']);
    for (const status of FINAL_STATUSES) expect(JOB_STATUSES).toContain(status);
    expect(isFinalStatus('cancelled')).toBe(true);
    expect(isFinalStatus('rendering')).toBe(false);
  });

  it('refuses a slot outside 0..31', () => {
    const flow = edit(edit(sample(), 'fetch-media', { slot: 32 }), 'moderate', { slot: -1 });
    expect(messageOf(flow)).toBe(
      'invalid flows: flows.inpaint.fetch-media.slot: 32 must be a whole number from 0 to 31; ' +
        'flows.inpaint.moderate.slot: -1 must be a whole number from 0 to 31',
    );
  });

  it('refuses more than 32 components', () => {
    const many = Array.from({ length: 33 }, (_, i) => c(`step-${i}`, i % 32));
    const flow: FlowDef = {
      kind: 'imagine',
      modules: [{ name: 'all', status: 'received', nextStatus: 'ingesting', components: many }],
    };
    const err = errorOf(() => validateFlow(flow));
    expect(err.problems[0]).toEqual({
      field: 'flows.imagine',
      problem: "has 33 components: at most 32 fit in the job's 64-bit called and returned words",
    });
    // The 33rd cannot get a slot of its own either.
    expect(err.problems[1].field).toBe('flows.imagine.step-32.slot');
  });

  it('refuses a module whose status does not chain from the one before', () => {
    const flow = editModule(sample(), 'render', { status: 'received' });
    expect(messageOf(flow)).toBe(
      'invalid flows: flows.inpaint.modules.render.status: "received" must be ingesting, the nextStatus of the module before (ingest)',
    );
    const first = editModule(sample(), 'ingest', { status: 'ingesting' });
    expect(messageOf(first)).toBe(
      'invalid flows: flows.inpaint.modules.ingest.status: "ingesting" must be received: the first module starts from a new job',
    );
  });

  it('refuses a module that ends in a final status or re-enters one', () => {
    const flow = editModule(sample(), 'render', { nextStatus: 'ingesting' });
    expect(messageOf(flow)).toBe(
      'invalid flows: flows.inpaint.modules.render.nextStatus: "ingesting" is already the status of module ingest: each module needs its own',
    );
    const final = editModule(sample(), 'render', { nextStatus: 'done' });
    expect(messageOf(final)).toBe(
      'invalid flows: flows.inpaint.modules.render.nextStatus: "done" must not be a final status: the orchestrator sets those when the flow ends',
    );
  });

  it('refuses bad timeouts and retries', () => {
    const flow = edit(sample(), 'validate', { timeoutMs: 0, retries: -1 });
    expect(messageOf(flow)).toBe(
      'invalid flows: flows.inpaint.validate.timeoutMs: 0 must be a positive whole number of milliseconds; ' +
        'flows.inpaint.validate.retries: -1 must be a whole number, 0 or more',
    );
  });

  it('lists every problem of every flow at once, and missing or doubled kinds', () => {
    const bad = edit(sample(), 'render', { deps: ['nothing'], slot: 40 });
    const flows = [
      ...Object.values(FLOWS).filter((f) => f.kind !== 'inpaint' && f.kind !== 'remix'),
      bad,
      bad,
    ];
    const err = errorOf(() => validateFlows(flows));
    expect(err.problems.map((p) => p.field)).toEqual([
      'flows.remix',
      'flows.inpaint',
      'flows.inpaint.render.slot',
      'flows.inpaint.render.deps',
      'flows.inpaint.render.slot',
      'flows.inpaint.render.deps',
    ]);
    expect(err.problems[0].problem).toBe('is missing: every job kind needs a flow');
    expect(err.problems[1].problem).toBe('is defined 2 times: one flow per job kind');
  });
});

describe('runnable components', () => {
  const flow = flowFor('inpaint');
  const slot = (name: string) => componentByName(flow, name)!.slot;
  const set = (...names: string[]) => {
    const slots = new Set(names.map(slot));
    return (s: number) => slots.has(s);
  };
  const names = (list: ComponentDef[]) => list.map((x) => x.name);

  it('starts a module with the components that wait for nothing in it', () => {
    expect(names(runnableComponents(flow, 0, set(), set()))).toEqual(['validate']);
    expect(names(runnableComponents(flow, 0, set('validate'), set()))).toEqual([]);
  });

  it('runs fetch-media and moderate in parallel once validate succeeded', () => {
    expect(names(runnableComponents(flow, 0, set('validate'), set('validate')))).toEqual([
      'fetch-media',
      'moderate',
    ]);
    expect(names(runnableComponents(flow, 0, set('validate', 'moderate'), set('validate')))).toEqual([
      'fetch-media',
    ]);
  });

  it('waits for every dep, across modules', () => {
    expect(names(runnableComponents(flow, 1, set('validate'), set('validate', 'moderate')))).toEqual([]);
    expect(names(runnableComponents(flow, 1, set(), set('validate', 'moderate', 'fetch-media')))).toEqual([
      'render',
    ]);
  });

  it('runs the three deliveries in parallel after encoding', () => {
    expect(names(runnableComponents(flow, 3, set(), set('encode-image')))).toEqual([
      'reply-chat',
      'callback',
      'archive',
    ]);
  });

  it('finds modules by component and by status, and says when a module is complete', () => {
    expect(moduleIndexOf(flow, 'moderate')).toBe(0);
    expect(moduleIndexOf(flow, 'archive')).toBe(3);
    expect(moduleIndexOf(flow, 'nope')).toBe(-1);
    expect(moduleIndexRunningAt(flow, 'rendering')).toBe(1);
    expect(moduleIndexRunningAt(flow, 'received')).toBe(-1);
    expect(isModuleComplete(flow, 0, set('validate', 'moderate'))).toBe(false);
    expect(isModuleComplete(flow, 0, set('validate', 'moderate', 'fetch-media'))).toBe(true);
  });

  it('throws on a dep it cannot resolve instead of waiting forever', () => {
    const broken = edit(sample(), 'render', { deps: ['ghost'] });
    expect(() =>
      runnableComponents(
        broken,
        1,
        () => false,
        () => true,
      ),
    ).toThrow('flow inpaint: render depends on unknown component ghost');
  });
});
