// The `notify` component: it tells a job's origin that the job failed or was cancelled. It belongs to
// no flow (it runs after the job ended, when no module is left), so it has no slot in the job's bits;
// the orchestrator queues it once per failed or cancelled job and the sweeper re-queues a lost one.
import type { ComponentDef } from './flow-types.ts';

export const NOTIFY_COMPONENT: ComponentDef = {
  name: 'notify',
  slot: -1,
  deps: [],
  queue: 'io',
  timeoutMs: 60_000,
  // A chat or callback that is down for a moment still hears of the failure.
  retries: 3,
};

export const NOTIFY = NOTIFY_COMPONENT.name;
