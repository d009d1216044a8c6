// The shipped flows, one per job kind. Slots are given in flow order (0, 1, 2, ...) so a flow's
// slots are dense and a new component never reuses the slot of another.
import type { JobKind } from '../job/job.ts';
import type { ComponentDef, FlowDef, JobStatus, ModuleDef } from './flow-types.ts';

type ComponentSpec = Omit<ComponentDef, 'slot'>;
interface ModuleSpec {
  name: string;
  status: JobStatus;
  nextStatus: JobStatus;
  components: readonly ComponentSpec[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

// Bad input fails the same way every time; the one retry only covers a worker that died.
const validate: ComponentSpec = {
  name: 'validate',
  deps: [],
  queue: 'io',
  timeoutMs: 10 * SECOND,
  retries: 1,
};
const fetchMedia: ComponentSpec = {
  name: 'fetch-media',
  deps: ['validate'],
  queue: 'io',
  timeoutMs: 30 * SECOND,
  retries: 3,
};
const moderate: ComponentSpec = {
  name: 'moderate',
  deps: ['validate'],
  queue: 'io',
  timeoutMs: 20 * SECOND,
  retries: 3,
};

// A render holds a GPU for minutes; retrying it more than once mostly repeats the same failure.
function render(deps: readonly string[], timeoutMs: number): ComponentSpec {
  return { name: 'render', deps, queue: 'gpu', timeoutMs, retries: 1 };
}

const encodeImage: ComponentSpec = {
  name: 'encode-image',
  deps: ['render'],
  queue: 'cpu',
  timeoutMs: MINUTE,
  retries: 2,
};
const encodeVideo: ComponentSpec = {
  name: 'encode-video',
  deps: ['render'],
  queue: 'cpu',
  timeoutMs: 5 * MINUTE,
  retries: 1,
};

function deliver(encoder: string): ModuleSpec {
  const io = (name: string, timeoutMs: number): ComponentSpec => ({
    name,
    deps: [encoder],
    queue: 'io',
    timeoutMs,
    retries: 3,
  });
  return {
    name: 'deliver',
    status: 'encoding',
    nextStatus: 'delivering',
    // Independent of each other: a chat that is gone must not stop the callback or the archive.
    components: [io('reply-chat', 30 * SECOND), io('callback', 30 * SECOND), io('archive', MINUTE)],
  };
}

interface FlowShape {
  /** The kind works on an input picture that must be downloaded first. */
  fetchesMedia: boolean;
  renderTimeoutMs: number;
  video: boolean;
}

function buildFlow(kind: JobKind, shape: FlowShape): FlowDef {
  const encoder = shape.video ? encodeVideo : encodeImage;
  const specs: ModuleSpec[] = [
    {
      name: 'ingest',
      status: 'received',
      nextStatus: 'ingesting',
      components: shape.fetchesMedia ? [validate, fetchMedia, moderate] : [validate, moderate],
    },
    {
      name: 'render',
      status: 'ingesting',
      nextStatus: 'rendering',
      components: [
        render(shape.fetchesMedia ? ['fetch-media', 'moderate'] : ['moderate'], shape.renderTimeoutMs),
      ],
    },
    { name: 'encode', status: 'rendering', nextStatus: 'encoding', components: [encoder] },
    deliver(encoder.name),
  ];
  let slot = 0;
  const modules: ModuleDef[] = specs.map((m) => ({
    ...m,
    components: m.components.map((c) => ({ ...c, slot: slot++ })),
  }));
  return { kind, modules };
}

export const FLOWS: Readonly<Record<JobKind, FlowDef>> = {
  imagine: buildFlow('imagine', { fetchesMedia: false, renderTimeoutMs: 10 * MINUTE, video: false }),
  remix: buildFlow('remix', { fetchesMedia: true, renderTimeoutMs: 10 * MINUTE, video: false }),
  inpaint: buildFlow('inpaint', { fetchesMedia: true, renderTimeoutMs: 10 * MINUTE, video: false }),
  // Every frame is a full denoise, so an animation takes many times longer than a picture. It may
  // start from a given picture, which must be fetched like a remix's.
  animate: buildFlow('animate', { fetchesMedia: true, renderTimeoutMs: 30 * MINUTE, video: true }),
  upscale: buildFlow('upscale', { fetchesMedia: true, renderTimeoutMs: 10 * MINUTE, video: false }),
  variation: buildFlow('variation', { fetchesMedia: true, renderTimeoutMs: 10 * MINUTE, video: false }),
};

export function flowFor(kind: JobKind): FlowDef {
  const flow = FLOWS[kind];
  if (!flow) throw new Error(`no flow for job kind "${kind}"`);
  return flow;
}
