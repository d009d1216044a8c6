// The shape of a model registry file: which hub repository and revision hold a model, and its
// files with their sizes and sha256 where they are known (null where they are not).
import { z } from 'zod';

const SHA256 = /^[0-9a-f]{64}$/;

const registryFile = z.object({
  path: z
    .string()
    .min(1)
    .refine((p) => !p.startsWith('/') && !p.split('/').includes('..') && !p.includes('\\'), {
      error: 'must be a relative path inside the model folder (no "..", no leading "/")',
    }),
  size: z.number().int().nonnegative().nullable().default(null),
  sha256: z
    .string()
    .regex(SHA256, 'must be 64 lowercase hex digits, or null when unknown')
    .nullable()
    .default(null),
  /** Some exports keep weights in a separate file and some do not: absent on the hub is fine. */
  optional: z.boolean().default(false),
});

const registryEntry = z.object({
  description: z.string().default(''),
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'),
  revision: z.string().min(1).default('main'),
  files: z
    .array(registryFile)
    .min(1)
    .refine((files) => files.some((f) => f.path === 'model_index.json'), {
      error: 'must include model_index.json',
    }),
  /** Written as imagine.json beside model_index.json (see renderer/model/model-settings.ts). */
  settings: z
    .object({
      guidance: z.union([z.boolean(), z.number().min(0)]).optional(),
      inpaintModel: z.string().optional(),
      steps: z.number().int().min(1).optional(),
      sampler: z.string().optional(),
      size: z.string().optional(),
      family: z.string().optional(),
    })
    .optional(),
  note: z.string().optional(),
});

export const registrySchema = z.object({
  models: z.record(
    z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a folder-safe model name'),
    registryEntry,
  ),
});

export type RegistryFile = z.infer<typeof registryFile>;
export type RegistryEntry = z.infer<typeof registryEntry>;
export type Registry = z.infer<typeof registrySchema>;
