// Redis keys of the HTTP surface, next to the orchestrator's under the same prefix.
import type { Keys } from '../../queue/orchestrator/keys.ts';

export interface HttpKeys {
  idempotency(owner: string, key: string): string;
  keyRate(keyName: string): string;
  keyDay(keyName: string, day: string): string;
  ownerActive(owner: string): string;
  hookReplay(hook: string, signature: string): string;
  /** The caller's latest AUTOMATIC1111 job, for /sdapi/v1/progress. */
  a1111Current(owner: string): string;
  /** The caller's AUTOMATIC1111 checkpoint, chosen with POST /sdapi/v1/options. */
  a1111Model(owner: string): string;
  /** The caller's chosen EasyAnimate model and edition. */
  easyAnimate(owner: string): string;
}

export function httpKeys(keys: Keys): HttpKeys {
  return {
    idempotency: keys.idempotency,
    ownerActive: keys.ownerActive,
    keyRate: (name) => keys.scoped('http', 'rate', name),
    keyDay: (name, day) => keys.scoped('http', 'day', name, day),
    hookReplay: (hook, signature) => keys.scoped('http', 'replay', hook, signature),
    a1111Current: (owner) => keys.scoped('http', 'a1111', owner),
    a1111Model: (owner) => keys.scoped('http', 'a1111-model', owner),
    easyAnimate: (owner) => keys.scoped('http', 'easyanimate', owner),
  };
}
