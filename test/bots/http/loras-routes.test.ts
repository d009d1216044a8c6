// GET /v1/loras and A1111's GET /sdapi/v1/loras list the LoRA files of LORAS_DIR by name, over real HTTP.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, type Harness, startHarness } from './http-harness.ts';

const lorasDir = mkdtempSync(path.join(tmpdir(), 'loras-route-'));
let h: Harness;
beforeAll(async () => {
  writeFileSync(path.join(lorasDir, 'ink-style.safetensors'), Buffer.alloc(24));
  writeFileSync(path.join(lorasDir, 'film-grain.safetensors'), Buffer.alloc(16));
  writeFileSync(path.join(lorasDir, 'notes.txt'), 'not a LoRA');
  h = await startHarness({ name: 'loras', env: { LORAS_DIR: lorasDir } });
});
afterAll(async () => {
  await h?.close();
  rmSync(lorasDir, { recursive: true, force: true });
});

describe('LoRA lists', () => {
  it('GET /v1/loras names the .safetensors files of LORAS_DIR, sorted, with their sizes', async () => {
    expect(await bodyOf(h.fetch('/v1/loras'))).toEqual({
      loras: [
        { name: 'film-grain', bytes: 16 },
        { name: 'ink-style', bytes: 24 },
      ],
    });
  });

  it('GET /sdapi/v1/loras answers in A1111 shape, without server paths', async () => {
    const loras = await bodyOf(h.fetch('/sdapi/v1/loras'));
    expect(loras).toEqual([
      { name: 'film-grain', alias: 'film-grain', path: 'film-grain.safetensors', metadata: {} },
      { name: 'ink-style', alias: 'ink-style', path: 'ink-style.safetensors', metadata: {} },
    ]);
    expect(JSON.stringify(loras)).not.toContain(lorasDir);
  });
});
