// The pictures diffusers drew for the tiny model of ../shared/fidelity with LoRAs merged and a
// replacement VAE (../shared/fidelity-lora), rendered again through our LoRA merge and our pipelines:
// every case must match its reference within max abs <= 2 and mean abs <= 0.05 on 0-255 RGB.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoraChoice, patchedFolder } from '../../renderer/lora/patched-folder.ts';
import { ModelCache } from '../../renderer/model/model-cache.ts';
import type { RenderRequest } from '../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../renderer/pipelines/run-pipeline.ts';
import { cliRequest, expectReferencesMatched, type Tolerance } from '../helpers/fidelity-cases.ts';

const loraDir = fileURLToPath(new URL('../../../shared/fidelity-lora/', import.meta.url));
const fidelityDir = fileURLToPath(new URL('../../../shared/fidelity/', import.meta.url));
const casesFile = path.join(loraDir, 'cases.json');

interface LoraCase {
  name: string;
  pipeline: 'txt2img' | 'img2img';
  cli_args: string[];
  lora: { file: string; weight: number }[] | null;
  vae: unknown;
  reference: string[];
}

/** `--lora FILE:WEIGHT` and `--vae FOLDER` taken out of the arguments; the rest as the render CLI reads it. */
function caseRequest(c: LoraCase): {
  model: string;
  loras: LoraChoice[];
  vae?: string;
  request: RenderRequest;
} {
  const argv = c.cli_args.map((a) =>
    a
      .replaceAll('{models}', path.join(fidelityDir, 'models'))
      .replaceAll('{loras}', path.join(loraDir, 'loras'))
      .replaceAll('{vaes}', path.join(loraDir, 'vaes'))
      .replaceAll('{inputs}', path.join(loraDir, 'inputs')),
  );
  const loras: LoraChoice[] = [];
  let vae: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--lora') {
      const m = /^(.*):([0-9.]+)$/.exec(argv[++i])!;
      loras.push({ file: m[1], weight: Number(m[2]) });
    } else if (argv[i] === '--vae') vae = argv[++i];
    else rest.push(argv[i]);
  }
  return { ...cliRequest(rest), loras, vae };
}

describe('fidelity: LoRAs and a swapped VAE draw what diffusers drew', () => {
  if (!existsSync(casesFile) || !existsSync(path.join(fidelityDir, 'models'))) {
    it.skip(`LoRA fidelity cases absent (${casesFile}), nothing to compare with`, () => {});
    return;
  }
  const file = JSON.parse(readFileSync(casesFile, 'utf8')) as {
    tolerance: Tolerance;
    cases: LoraCase[];
  };
  const { tolerance } = file;
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'fidelity-lora-models-'));
  const patchedDir = mkdtempSync(path.join(tmpdir(), 'fidelity-lora-patched-'));
  let cache: ModelCache;
  beforeAll(() => {
    cache = new ModelCache(modelsDir, { providers: ['cpu'], threads: 1, graphOptimization: 'all' }, 2 ** 30);
  });
  afterAll(async () => {
    await cache.close();
    rmSync(modelsDir, { recursive: true, force: true });
    rmSync(patchedDir, { recursive: true, force: true });
  });

  it('has the cases the issue names: weights 1.0 and 0.6, fp16, UNet-only, stacked, VAE txt2img and img2img, LoRA + VAE', () => {
    const loraFiles = file.cases.flatMap((c) => (c.lora ?? []).map((l) => `${l.file}:${l.weight}`));
    expect(loraFiles).toContain('tiny-lora.safetensors:1');
    expect(loraFiles).toContain('tiny-lora.safetensors:0.6');
    expect(loraFiles).toContain('tiny-lora-fp16.safetensors:1');
    expect(loraFiles).toContain('tiny-lora-unet.safetensors:1');
    expect(file.cases.some((c) => (c.lora ?? []).length === 2)).toBe(true);
    expect(file.cases.some((c) => c.vae && !c.lora?.length && c.pipeline === 'txt2img')).toBe(true);
    expect(file.cases.some((c) => c.vae && !c.lora?.length && c.pipeline === 'img2img')).toBe(true);
    expect(file.cases.some((c) => c.vae && c.lora?.length)).toBe(true);
  });

  for (const c of file.cases) {
    it(`${c.name} matches diffusers (max abs <= ${tolerance.max_abs}, mean abs <= ${tolerance.mean_abs})`, async () => {
      const { model, loras, vae, request } = caseRequest(c);
      expect(loras.map((l) => `${path.basename(l.file)}:${l.weight}`)).toEqual(
        (c.lora ?? []).map((l) => `${l.file}:${l.weight}`),
      );
      const patched = await patchedFolder({ modelDir: model, loras, vaeDir: vae, cacheDir: patchedDir });
      // Every key of every file found its module.
      expect(patched.unmatched.flatMap((u) => u.keys)).toEqual([]);
      const result = await runPipeline(cache, patched.dir, request);
      await expectReferencesMatched(
        `fidelity-lora ${c.name}`,
        result.images.map((i) => i.png),
        loraDir,
        c.reference,
        tolerance,
      );
    });
  }
});
