// Loads the transition scripts (kept as .lua files) into ioredis as commands. The shared advance
// library is prepended to each script, since a Redis script cannot call another.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const dir = new URL('./lua/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');

const SCRIPTS = {
  imgSubmit: { file: 'submit.lua', keys: 9 },
  imgComplete: { file: 'complete.lua', keys: 8 },
  imgCancel: { file: 'cancel.lua', keys: 8 },
} as const;

export type ScriptName = keyof typeof SCRIPTS;

export interface ScriptRunner {
  run(name: ScriptName, keys: string[], args: (string | number)[]): Promise<string[]>;
}

export function loadScripts(redis: Redis): ScriptRunner {
  const lib = read('advance.lib.lua');
  for (const [name, { file, keys }] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: keys, lua: `${lib}\n${read(file)}` });
  }
  return {
    async run(name, keys, args) {
      const command = (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[
        name
      ];
      const reply = await command.call(redis, ...keys, ...args);
      return (reply as unknown[]).map((v) => String(v));
    },
  };
}
