// Loads the transition scripts (kept as .lua files) into ioredis as commands. A script's file name
// carries its number of KEYS (`submit-9.lua`), which is what ioredis must be told; everything else
// is ARGV. The shared advance library is prepended to each script, since a Redis script cannot call
// another, and so is the FINAL table, built from core's FINAL_STATUSES.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { FINAL_STATUSES } from '../../core/flows/flow-types.ts';

const dir = new URL('./lua/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');

/** The transition scripts; each header documents its KEYS, ARGV and every reply. */
export const SCRIPT_FILES = ['submit-9.lua', 'complete-8.lua', 'cancel-8.lua'] as const;

type NameOf<F> = F extends `${infer Name}-${number}.lua` ? Name : never;
export type ScriptName = NameOf<(typeof SCRIPT_FILES)[number]>;

/** `submit-9.lua` -> { name: 'submit', numberOfKeys: 9 }. */
export function parseScriptFile(file: string): { name: string; numberOfKeys: number } {
  const match = /^([a-z]+)-(\d+)\.lua$/.exec(file);
  if (!match) throw new Error(`script file ${file} must be named <name>-<number of keys>.lua`);
  return { name: match[1], numberOfKeys: Number(match[2]) };
}

/** The Lua text of one script as Redis runs it: FINAL, the advance library, then the script. */
export function scriptSource(file: string): string {
  const final = FINAL_STATUSES.map((status) => `${status} = true`).join(', ');
  return `local FINAL = { ${final} }\n${read('advance.lib.lua')}\n${read(file)}`;
}

/** ioredis command names are global to the connection; a prefix keeps ours apart. */
const commandOf = (name: string) => `img${name[0].toUpperCase()}${name.slice(1)}`;

export interface ScriptRunner {
  run(name: ScriptName, keys: string[], args: (string | number)[]): Promise<string[]>;
}

export function loadScripts(redis: Redis): ScriptRunner {
  const keyCounts = new Map<string, number>();
  for (const file of SCRIPT_FILES) {
    const { name, numberOfKeys } = parseScriptFile(file);
    keyCounts.set(name, numberOfKeys);
    const command = commandOf(name);
    if (!(command in redis)) redis.defineCommand(command, { numberOfKeys, lua: scriptSource(file) });
  }
  return {
    async run(name, keys, args) {
      // A key in the wrong place would be read as an argument and corrupt the job silently.
      if (keys.length !== keyCounts.get(name)) {
        throw new Error(`script ${name} takes ${keyCounts.get(name)} keys, was given ${keys.length}`);
      }
      const command = (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[
        commandOf(name)
      ];
      const reply = await command.call(redis, ...keys, ...args);
      return (reply as unknown[]).map((v) => String(v));
    },
  };
}
