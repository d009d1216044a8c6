// What the models folder holds: a model installed, partly pulled (files, no model index yet) or absent.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readPullRecord } from './pull-record.ts';

export type InstalledState = 'installed' | 'partial' | 'absent';

export function installedState(dir: string): InstalledState {
  if (!existsSync(dir)) return 'absent';
  // A folder put there by hand counts as installed once it has its model index.
  if (existsSync(path.join(dir, 'model_index.json'))) return 'installed';
  return readPullRecord(dir) || readdirSync(dir).length > 0 ? 'partial' : 'absent';
}

/** Folders in the models folder that hold a model (a model_index.json), by name. */
export function modelFolders(modelsDir: string): string[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(modelsDir, e.name, 'model_index.json')))
    .map((e) => e.name)
    .sort();
}
