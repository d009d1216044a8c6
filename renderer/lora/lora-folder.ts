// LoRA files by name: `<name>.safetensors` in the LoRA folder (LORAS_DIR). A path is taken as given
// (the CLI only: the prompt parser refuses paths on every other surface).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../core/errors.ts';
import { isLoraPath } from '../../core/flags/lora-spec.ts';
import { didYouMean } from '../../core/text/closest.ts';

const EXTENSION = '.safetensors';

export function availableLoras(lorasDir: string): string[] {
  if (!existsSync(lorasDir)) return [];
  return readdirSync(lorasDir)
    .filter((f) => f.endsWith(EXTENSION))
    .map((f) => f.slice(0, -EXTENSION.length))
    .sort();
}

export function loraFile(nameOrPath: string, lorasDir: string): string {
  if (isLoraPath(nameOrPath)) {
    if (!existsSync(nameOrPath))
      throw new ValidationError([
        {
          field: '--lora',
          value: nameOrPath,
          problem: 'is not a file; give the path of a .safetensors LoRA',
        },
      ]);
    return nameOrPath;
  }
  const file = path.join(lorasDir, `${nameOrPath}${EXTENSION}`);
  if (!existsSync(file)) {
    const names = availableLoras(lorasDir);
    throw new ValidationError([
      {
        field: 'lora',
        value: nameOrPath,
        problem: `is not in the LoRA folder${didYouMean(nameOrPath, names)}; available: ${names.join(', ') || 'none'}`,
      },
    ]);
  }
  return file;
}
