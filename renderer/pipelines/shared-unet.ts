// One UNet shared by several renders running together (a batch across jobs). Each render's pipeline
// calls predict as if it were alone; a call is held until every render still denoising has made its
// call for the step (or left the batch), then the held calls run as one session call with their
// inputs concatenated along the batch dimension, and each render gets its own rows back. The UNet
// treats rows independently, so a render's result is its solo result up to the float rounding of
// batched kernels.
import type { AddedConditioning, Unet } from '../model/unet.ts';

type SampleDims = Parameters<Unet['predict']>[1];
type HiddenDims = Parameters<Unet['predict']>[4];

interface HeldCall {
  member: string;
  unet: Unet;
  sample: Float32Array;
  dims: SampleDims;
  t: number;
  hidden: Float32Array;
  hiddenDims: HiddenDims;
  added?: AddedConditioning;
  resolve: (eps: Float32Array) => void;
  reject: (err: unknown) => void;
}

/** What must match for calls to share a session call: the UNet, the timestep and every per-row shape. */
function shareKey(call: HeldCall): string {
  const rows = call.dims[0];
  const added = call.added
    ? `${call.added.textEmbeds.length / rows},${call.added.timeIds.length / rows}`
    : '-';
  return [Math.fround(call.t), call.dims.slice(1).join('x'), call.hiddenDims.slice(1).join('x'), added].join(
    '|',
  );
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export class SharedUnet {
  /** Members still denoising, in the order they joined: the barrier waits for each of them. */
  private readonly active = new Set<string>();
  private readonly held = new Map<string, HeldCall>();
  private sharedCalls = 0;

  constructor(
    members: readonly string[],
    /** Gets one line per shared session call, naming the members in it. */
    private readonly log?: (line: string) => void,
  ) {
    for (const m of members) this.active.add(m);
  }

  /** The UNet member `member`'s pipeline calls in place of `unet`. */
  unetFor(member: string, unet: Unet): Unet {
    // Everything but predict (input channels, video shape...) is read from the real UNet.
    const shared = Object.create(unet) as Unet;
    shared.predict = (sample, dims, t, hidden, hiddenDims, added) =>
      this.call({ member, unet, sample, dims, t, hidden, hiddenDims, added });
    return shared;
  }

  /** The member has taken its last step, failed or been cancelled: the others stop waiting for it. */
  leave(member: string): void {
    if (this.active.delete(member)) this.runWhenAllHeld();
  }

  private call(call: Omit<HeldCall, 'resolve' | 'reject'>): Promise<Float32Array> {
    const { member, unet } = call;
    if (!this.active.has(member)) {
      return unet.predict(call.sample, call.dims, call.t, call.hidden, call.hiddenDims, call.added);
    }
    if (this.held.has(member)) {
      return Promise.reject(new Error(`render ${member} made a second UNet call before its first returned`));
    }
    return new Promise((resolve, reject) => {
      this.held.set(member, { ...call, resolve, reject });
      this.runWhenAllHeld();
    });
  }

  private runWhenAllHeld(): void {
    if (this.held.size === 0) return;
    for (const member of this.active) if (!this.held.has(member)) return;
    // In the order the members joined, so that log lines list them alike every step.
    const calls = [...this.active].map((m) => this.held.get(m)).filter((c) => c !== undefined);
    this.held.clear();
    const groups = new Map<Unet, Map<string, HeldCall[]>>();
    for (const call of calls) {
      const byKey = groups.get(call.unet) ?? new Map<string, HeldCall[]>();
      groups.set(call.unet, byKey);
      const key = shareKey(call);
      byKey.set(key, [...(byKey.get(key) ?? []), call]);
    }
    void (async () => {
      for (const byKey of groups.values()) for (const group of byKey.values()) await this.runGroup(group);
    })();
  }

  private async runGroup(group: HeldCall[]): Promise<void> {
    const unet = group[0].unet;
    if (group.length === 1) {
      const c = group[0];
      await unet.predict(c.sample, c.dims, c.t, c.hidden, c.hiddenDims, c.added).then(c.resolve, c.reject);
      return;
    }
    const rows = group.reduce((n, c) => n + c.dims[0], 0);
    const dims = [rows, ...group[0].dims.slice(1)] as unknown as SampleDims;
    const hiddenDims = [rows, ...group[0].hiddenDims.slice(1)] as unknown as HiddenDims;
    const added = group[0].added
      ? {
          textEmbeds: concat(group.map((c) => (c.added as AddedConditioning).textEmbeds)),
          timeIds: concat(group.map((c) => (c.added as AddedConditioning).timeIds)),
        }
      : undefined;
    this.sharedCalls++;
    this.log?.(
      `debug: batch UNet call ${this.sharedCalls}: ${group.map((c) => c.member).join(', ')} (${rows} rows)`,
    );
    let eps: Float32Array;
    try {
      eps = await unet.predict(
        concat(group.map((c) => c.sample)),
        dims,
        group[0].t,
        concat(group.map((c) => c.hidden)),
        hiddenDims,
        added,
      );
    } catch (err) {
      for (const c of group) c.reject(err);
      return;
    }
    const perRow = eps.length / rows;
    let row = 0;
    for (const c of group) {
      c.resolve(eps.slice(row * perRow, (row + c.dims[0]) * perRow));
      row += c.dims[0];
    }
  }
}
