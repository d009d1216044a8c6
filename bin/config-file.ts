// Reads the optional JSON config file named by CONFIG_FILE; core/ parses it (core does no I/O).
import { readFileSync } from 'node:fs';
import { type Config, parseConfig, ValidationError } from '../core/index.ts';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const path = env.CONFIG_FILE;
  let file: Record<string, unknown> = {};
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ValidationError([
        {
          field: 'CONFIG_FILE',
          value: path,
          problem: `cannot be read (${(err as NodeJS.ErrnoException).code})`,
        },
      ]);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      file = parsed as Record<string, unknown>;
    } catch (err) {
      throw new ValidationError([
        {
          field: 'CONFIG_FILE',
          value: path,
          problem: `must hold a JSON object of settings (${(err as Error).message})`,
        },
      ]);
    }
  }
  return parseConfig(env, file);
}
