// Checks a pulled model's files against what is known of them: the registry's sizes and sha256
// first, else what was recorded at download; says plainly what could not be checked.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { RegistryEntry } from '../registry/registry-schema.ts';
import { sha256OfFile } from './download-file.ts';
import { readPullRecord } from './pull-record.ts';

export interface FileVerdict {
  path: string;
  ok: boolean;
  /** What was found, e.g. `missing`, `sha256 ... does not match the registry's ...`. */
  problem?: string;
  /** What the file was held to: `registry sha256`, `sha256 recorded at download`, `size only`... */
  checked: string;
}

export interface Verification {
  files: FileVerdict[];
  /** Optional files the hub did not have at pull time. */
  absent: string[];
  ok: boolean;
}

export async function verifyModel(entry: RegistryEntry, dir: string): Promise<Verification> {
  const record = readPullRecord(dir);
  const absent = record?.absent ?? [];
  const files: FileVerdict[] = [];
  for (const file of entry.files) {
    if (absent.includes(file.path)) continue;
    const full = path.join(dir, ...file.path.split('/'));
    const recorded = record?.files[file.path];
    let size: number;
    try {
      size = statSync(full).size;
    } catch {
      files.push({ path: file.path, ok: false, problem: 'missing', checked: 'presence' });
      continue;
    }
    const knownSize = file.size ?? recorded?.size ?? null;
    if (knownSize !== null && size !== knownSize) {
      const source = file.size !== null ? 'the registry says' : 'it had';
      files.push({
        path: file.path,
        ok: false,
        problem: `${size} bytes, ${source} ${knownSize}${file.size === null ? ' when downloaded' : ''}`,
        checked: 'size',
      });
      continue;
    }
    const knownSha = file.sha256 ?? recorded?.sha256 ?? null;
    if (knownSha === null) {
      files.push({ path: file.path, ok: true, checked: knownSize === null ? 'presence only' : 'size only' });
      continue;
    }
    const sha256 = await sha256OfFile(full);
    const source =
      file.sha256 !== null
        ? 'registry sha256'
        : recorded?.checkedAgainst === 'hub'
          ? 'sha256 the hub stated at download'
          : 'sha256 recorded at download (the registry and the hub state none)';
    files.push(
      sha256 === knownSha
        ? { path: file.path, ok: true, checked: source }
        : {
            path: file.path,
            ok: false,
            problem: `sha256 ${sha256} does not match the ${source} ${knownSha}`,
            checked: source,
          },
    );
  }
  return { files, absent, ok: files.every((f) => f.ok) };
}
