// Reads a registry file (the one beside this file unless another is named) into checked entries.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../../core/text/closest.ts';
import { type Registry, type RegistryEntry, registrySchema } from './registry-schema.ts';

export const DEFAULT_REGISTRY_FILE = fileURLToPath(new URL('./models.json', import.meta.url));

/** A registry that cannot be used, or a name it does not hold; the message says what to change. */
export class RegistryError extends Error {
  override name = 'RegistryError';
}

export function readRegistry(file: string = DEFAULT_REGISTRY_FILE): Registry {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new RegistryError(`the model registry ${file} cannot be read (${why})`);
  }
  const parsed = registrySchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'} ${i.message}`);
    throw new RegistryError(`the model registry ${file} is not valid: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export function registryEntry(registry: Registry, name: string): RegistryEntry {
  if (Object.hasOwn(registry.models, name)) return registry.models[name];
  const names = Object.keys(registry.models);
  throw new RegistryError(
    `no model named "${name}" in the registry${didYouMean(name, names)}; known: ${names.join(', ')} (npm run models -- list)`,
  );
}
