// The field names a zod object schema takes at a path, for "did you mean" answers to unknown fields.
import type { z } from 'zod';

interface Def {
  type: string;
  innerType?: unknown;
  in?: unknown;
  shape?: Record<string, unknown>;
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch']);

function defOf(schema: unknown): Def | undefined {
  return (schema as { def?: Def } | undefined)?.def;
}

function unwrap(schema: unknown): unknown {
  let s = schema;
  for (let def = defOf(s); def; def = defOf(s)) {
    if (WRAPPERS.has(def.type)) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else break;
  }
  return s;
}

/** The keys of the object schema at `path`, or undefined when there is no object there. */
export function knownFieldsAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let s = unwrap(schema);
  for (const key of path) {
    const shape = defOf(s)?.type === 'object' ? defOf(s)?.shape : undefined;
    if (!shape || typeof key !== 'string' || !(key in shape)) return undefined;
    s = unwrap(shape[key]);
  }
  const def = defOf(s);
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}
