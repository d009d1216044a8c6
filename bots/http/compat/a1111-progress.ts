// GET /sdapi/v1/progress for the caller's latest A1111 job: A1111 has one global job; here each key sees
// its own.
import { isFinalStatus } from '../../../core/flows/flow-types.ts';
import type { JobState } from '../../../queue/orchestrator/job-state.ts';
import type { ApiServices } from '../api-services.ts';

export interface A1111Progress {
  progress: number;
  eta_relative: number;
  state: {
    skipped: boolean;
    interrupted: boolean;
    job: string;
    job_count: number;
    job_timestamp: string;
    job_no: number;
    sampling_step: number;
    sampling_steps: number;
  };
  current_image: string | null;
  textinfo: string | null;
}

const IDLE: A1111Progress = {
  progress: 0,
  eta_relative: 0,
  state: {
    skipped: false,
    interrupted: false,
    job: '',
    job_count: 0,
    job_timestamp: '0',
    job_no: 0,
    sampling_step: 0,
    sampling_steps: 0,
  },
  current_image: null,
  textinfo: null,
};

export async function a1111Progress(
  s: ApiServices,
  state: JobState | undefined,
  withImage: boolean,
): Promise<A1111Progress> {
  if (!state || isFinalStatus(state.status)) {
    return { ...IDLE, state: { ...IDLE.state, interrupted: state?.status === 'cancelled' } };
  }
  const progress = await s.events.latestProgress(state.id);
  const fraction = progress ? progress.step / Math.max(1, progress.total) : 0;
  const elapsedS = (Date.now() - state.createdAt) / 1000;
  const queued = await s.orchestrator.position(state.id);
  const eta =
    fraction > 0
      ? (elapsedS * (1 - fraction)) / fraction
      : queued.etaMs !== undefined
        ? queued.etaMs / 1000
        : 0;
  const preview = withImage && progress?.preview ? await s.artifacts.get(progress.preview) : undefined;
  return {
    progress: Math.round(fraction * 1000) / 1000,
    eta_relative: Math.round(eta * 10) / 10,
    state: {
      ...IDLE.state,
      job: `task(${state.id})`,
      job_count: 1,
      job_timestamp: new Date(state.createdAt).toISOString().replace(/[-:T]/g, '').slice(0, 14),
      sampling_step: progress?.step ?? 0,
      sampling_steps: progress?.total ?? state.job.params.steps,
    },
    current_image: preview ? preview.bytes.toString('base64') : null,
    textinfo: queued.position > 0 ? `waiting: place ${queued.position} in the queue` : state.status,
  };
}
