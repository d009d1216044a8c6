// A job's state as read back from Redis: status, module, each component's slot bits, outputs.
import type { JobStatus } from '../../core/flows/flow-types.ts';
import type { Job } from '../../core/job/job.ts';

export type SlotState = 'pending' | 'called' | 'succeeded' | 'failed';

export interface ComponentState {
  name: string;
  slot: number;
  state: SlotState;
}

export interface JobState {
  id: string;
  job: Job;
  status: JobStatus;
  module: number;
  moduleName: string;
  components: ComponentState[];
  /** Outputs of finished components, by component name. */
  outputs: Record<string, unknown>;
  error?: { code: string; message: string };
  createdAt: number;
  updatedAt: number;
  finishedAt?: number;
}

/** Reads the 2-bit slot `slot` of a BITFIELD string (most significant bits first, as Redis stores them). */
export function slotBits(word: Buffer | null, slot: number): number {
  if (!word) return 0;
  const bit = slot * 2;
  const byte = word[bit >> 3] ?? 0;
  return (byte >> (6 - (bit & 7))) & 3;
}

export function slotState(called: number, returned: number): SlotState {
  if (returned === 1) return 'succeeded';
  if (returned === 2) return 'failed';
  return called === 1 ? 'called' : 'pending';
}
