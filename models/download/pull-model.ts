// Pulls a registry entry into MODELS_DIR/<name>/ in the diffusers ONNX layout. model_index.json
// comes last: the renderer counts a folder as a model once it has one, so a half-pulled model is
// never offered.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RegistryEntry, RegistryFile } from '../registry/registry-schema.ts';
import { type DownloadEvents, downloadFile } from './download-file.ts';
import type { Hub } from './hub-endpoint.ts';
import { HubError } from './hub-error.ts';
import { type PullRecord, readPullRecord, writePullRecord } from './pull-record.ts';

export interface PullEvents {
  /** Before each file; return the events for its download. */
  file(file: RegistryFile, index: number, count: number): DownloadEvents;
  done(file: RegistryFile, outcome: 'downloaded' | 'kept' | 'absent', checkedAgainst?: string): void;
}

export function pullOrder(files: readonly RegistryFile[]): RegistryFile[] {
  return [...files].sort(
    (a, b) => Number(a.path === 'model_index.json') - Number(b.path === 'model_index.json'),
  );
}

export async function pullModel(
  hub: Hub,
  entry: RegistryEntry,
  dir: string,
  events: PullEvents,
): Promise<PullRecord> {
  mkdirSync(dir, { recursive: true });
  const earlier = readPullRecord(dir);
  const sameSource = earlier?.repo === entry.repo && earlier.revision === entry.revision;
  const record: PullRecord = {
    repo: entry.repo,
    revision: entry.revision,
    endpoint: hub.endpoint,
    files: sameSource ? earlier.files : {},
    absent: [],
    complete: false,
  };
  // Settings first, so the model is never offered without them.
  if (entry.settings) writeFileSync(path.join(dir, 'imagine.json'), `${JSON.stringify(entry.settings)}\n`);
  const files = pullOrder(entry.files);
  for (const [i, file] of files.entries()) {
    const target = path.join(dir, ...file.path.split('/'));
    const had = record.files[file.path];
    // A file is only renamed into place once checked, so one recorded from this source is whole.
    const fits =
      had &&
      (file.size === null || had.size === file.size) &&
      (file.sha256 === null || had.sha256 === file.sha256);
    if (fits && existsSync(target)) {
      events.done(file, 'kept');
      continue;
    }
    try {
      const got = await downloadFile(
        hub,
        { repo: entry.repo, revision: entry.revision, ...file },
        target,
        events.file(file, i, files.length),
      );
      record.files[file.path] = got;
      events.done(file, 'downloaded', got.checkedAgainst);
    } catch (err) {
      if (file.optional && err instanceof HubError && err.status === 404) {
        record.absent.push(file.path);
        events.done(file, 'absent');
        continue;
      }
      throw err;
    } finally {
      writePullRecord(dir, record);
    }
  }
  record.complete = true;
  writePullRecord(dir, record);
  return record;
}
