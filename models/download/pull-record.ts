// pull.json in a pulled model's folder: where it came from and each file's size and sha256 as
// downloaded, so `verify` can check files whose hash the registry does not know.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckedAgainst } from './download-file.ts';

export const PULL_RECORD = 'pull.json';

export interface PulledFile {
  size: number;
  sha256: string;
  checkedAgainst: CheckedAgainst;
}

export interface PullRecord {
  repo: string;
  revision: string;
  endpoint: string;
  files: Record<string, PulledFile>;
  /** Optional files the hub does not have. */
  absent: string[];
  complete: boolean;
}

export function readPullRecord(dir: string): PullRecord | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, PULL_RECORD), 'utf8')) as PullRecord;
  } catch {
    return undefined;
  }
}

export function writePullRecord(dir: string, record: PullRecord): void {
  writeFileSync(path.join(dir, PULL_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}
