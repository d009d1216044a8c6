// Where users name LoRAs: `<lora:name:0.6>` in the prompt, `--lora name:0.6` and EasyAnimate's
// lora_model_path / lora_alpha_slider all draw the same picture (the diffusers reference for that LoRA
// and weight); a path is refused outside the CLI; a broken or unknown LoRA is a clear error.

import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { a1111Params } from '../../../bots/http/compat/a1111-request.ts';
import { EasyAnimateInferSchema, easyAnimateParams } from '../../../bots/http/compat/easyanimate-request.ts';
import { paramsSchema, parseConfig, parsePrompt } from '../../../core/index.ts';
import { ModelCache } from '../../../renderer/model/model-cache.ts';
import type { RenderRequest } from '../../../renderer/pipelines/render-request.ts';
import { runPipeline } from '../../../renderer/pipelines/run-pipeline.ts';

const loraDir = fileURLToPath(new URL('../../../../shared/fidelity-lora/', import.meta.url));
const tinyDir = fileURLToPath(new URL('../../../../shared/fidelity/models/tiny', import.meta.url));
const PROMPT = 'a photograph of an astronaut riding a horse';

describe.skipIf(!existsSync(loraDir) || !existsSync(tinyDir))('LoRAs named on every surface', () => {
  const lorasDir = mkdtempSync(path.join(tmpdir(), 'loras-'));
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'lora-cache-'));
  let cache: ModelCache;
  const vaesDir = mkdtempSync(path.join(tmpdir(), 'vaes-'));
  const savedEnv = process.env.LORAS_DIR;
  const savedVaes = process.env.VAES_DIR;
  beforeAll(() => {
    copyFileSync(
      path.join(loraDir, 'loras', 'tiny-lora.safetensors'),
      path.join(lorasDir, 'tiny-style.safetensors'),
    );
    const whole = readFileSync(path.join(loraDir, 'loras', 'tiny-lora.safetensors'));
    writeFileSync(path.join(lorasDir, 'cut.safetensors'), whole.subarray(0, whole.length - 1000));
    process.env.LORAS_DIR = lorasDir;
    cpSync(path.join(loraDir, 'vaes', 'vae-alt'), path.join(vaesDir, 'vae-alt'), { recursive: true });
    process.env.VAES_DIR = vaesDir;
    cache = new ModelCache(
      mkdtempSync(path.join(tmpdir(), 'lora-models-')),
      { providers: ['cpu'], threads: 1, graphOptimization: 'all', cacheDir },
      2 ** 30,
    );
  });
  afterAll(async () => {
    await cache.close();
    if (savedEnv === undefined) delete process.env.LORAS_DIR;
    else process.env.LORAS_DIR = savedEnv;
    if (savedVaes === undefined) delete process.env.VAES_DIR;
    else process.env.VAES_DIR = savedVaes;
    rmSync(vaesDir, { recursive: true, force: true });
    rmSync(lorasDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  function request(promptText: string): RenderRequest {
    const config = parseConfig({});
    const parsed = parsePrompt(promptText, { limits: config.limits, defaults: config.defaults });
    const params = paramsSchema(config.limits, config.defaults).parse({
      prompt: parsed.prompt,
      ...parsed.params,
    });
    return {
      prompt: params.prompt,
      negativePrompt: '',
      width: 128,
      height: 128,
      steps: 20,
      guidance: 7.5,
      sampler: 'euler_a',
      seed: 42,
      count: 1,
      strength: 0.75,
      loras: params.loras,
      vae: params.vae,
    };
  }

  async function meanAbsToReference(
    png: Buffer,
    reference = 'lora-txt2img-euler_a-s42-w0.6.png',
  ): Promise<number> {
    const ours = await sharp(png).removeAlpha().raw().toBuffer();
    const ref = await sharp(path.join(loraDir, 'ref', reference))
      .removeAlpha()
      .raw()
      .toBuffer();
    let sum = 0;
    for (let i = 0; i < ref.length; i++) sum += Math.abs(ours[i] - ref[i]);
    return sum / ref.length;
  }

  it('tells, in the result, of LoRA modules that match nothing in the model', async () => {
    // A safetensors file with one module for a block the tiny model does not have.
    const tensors = {
      'lora_unet_down_blocks_9_attentions_0_transformer_blocks_0_attn1_to_q.lora_down.weight': [1, 2],
      'lora_unet_down_blocks_9_attentions_0_transformer_blocks_0_attn1_to_q.lora_up.weight': [2, 1],
    };
    const header: Record<string, unknown> = {};
    let offset = 0;
    for (const [name, shape] of Object.entries(tensors)) {
      header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + 8] };
      offset += 8;
    }
    const json = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(json.length));
    writeFileSync(
      path.join(lorasDir, 'other-model.safetensors'),
      Buffer.concat([length, json, Buffer.alloc(offset)]),
    );
    // Removed again at once: the other tests read the folder's list of names.
    const result = await runPipeline(cache, tinyDir, request(`${PROMPT} <lora:other-model:1>`)).finally(() =>
      rmSync(path.join(lorasDir, 'other-model.safetensors')),
    );
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /^LoRA other-model\.safetensors: 1 of its modules match nothing in .*down_blocks_9/,
      ),
    ]);
    const plain = await runPipeline(cache, tinyDir, request(PROMPT));
    expect(plain.warnings).toEqual([]);
  });

  it('draws the same picture from <lora:name:0.6>, --lora name:0.6 and the EasyAnimate fields', async () => {
    const inPrompt = request(`${PROMPT} <lora:tiny-style:0.6>`);
    const byFlag = request(`${PROMPT} --lora tiny-style:0.6`);
    // The tag is gone from the text the encoder sees.
    expect(inPrompt.prompt).toBe(PROMPT);
    expect(inPrompt.loras).toEqual([{ name: 'tiny-style', weight: 0.6 }]);
    expect(byFlag.loras).toEqual(inPrompt.loras);
    const easy = easyAnimateParams(
      EasyAnimateInferSchema.parse({
        prompt_textbox: PROMPT,
        is_image: true,
        lora_model_path: 'models/Personalized_Model/tiny-style.safetensors',
        lora_alpha_slider: 0.6,
      }),
      undefined,
    );
    expect(easy.warnings).toEqual([]);
    const easyRequest = {
      ...inPrompt,
      loras: paramsSchema(parseConfig({}).limits, parseConfig({}).defaults).parse(easy.params).loras,
    };
    expect(easyRequest.loras).toEqual(inPrompt.loras);
    // A1111's txt2img reads the same tag out of its prompt.
    const a1111 = a1111Params({ prompt: `${PROMPT} <lora:tiny-style:0.6>` } as Parameters<
      typeof a1111Params
    >[0]);
    expect(a1111.params).toMatchObject({ prompt: PROMPT, loras: inPrompt.loras });
    expect(
      a1111Params({ prompt: 'x <lora:../secret:1>' } as Parameters<typeof a1111Params>[0]).problems.map(
        (p) => p.problem,
      ),
    ).toEqual([expect.stringMatching(/is a path/)]);

    const pictures = [];
    for (const r of [inPrompt, byFlag, easyRequest])
      pictures.push((await runPipeline(cache, tinyDir, r)).images[0].png);
    expect(pictures[1].equals(pictures[0])).toBe(true);
    expect(pictures[2].equals(pictures[0])).toBe(true);
    // And it is the LoRA's picture: diffusers' reference for this LoRA at 0.6, not the base model's.
    expect(await meanAbsToReference(pictures[0])).toBeLessThanOrEqual(0.05);
    const plain = (await runPipeline(cache, tinyDir, request(PROMPT))).images[0].png;
    expect(await meanAbsToReference(plain)).toBeGreaterThan(5);
  });

  it('refuses a LoRA path in a chat prompt, saying why', () => {
    expect(() => parsePrompt('a fox --lora ../../etc/style.safetensors:0.8')).toThrow(
      /--lora: .*is a path; here LoRAs are named from the server LoRA folder/,
    );
    expect(() => parsePrompt('a fox <lora:/srv/loras/style:0.8>')).toThrow(
      /<lora:\/srv\/loras\/style:0.8> is a path/,
    );
    expect(() => parsePrompt('a fox --lora style:lots')).toThrow(/--lora: .*write --lora name:0.8/);
    // Videos do not merge LoRAs yet: refused, not ignored.
    expect(() => parsePrompt('a fox --lora style', { video: true })).toThrow(
      /--lora is merged into pictures only/,
    );
    const video = easyAnimateParams(
      EasyAnimateInferSchema.parse({
        prompt_textbox: 'x',
        lora_model_path: 'a/style.safetensors',
        length_slider: 16,
      }),
      undefined,
    );
    expect(video.problems.map((p) => p.field)).toEqual(['lora_model_path']);
    // The job schema refuses a path that arrives as JSON, too.
    const config = parseConfig({});
    const result = paramsSchema(config.limits, config.defaults).safeParse({
      prompt: 'x',
      loras: [{ name: '/etc/passwd', weight: 1 }],
    });
    expect(result.success).toBe(false);
  });

  it('tells the user which LoRAs exist when the name is unknown, and that a truncated file is truncated', async () => {
    await expect(runPipeline(cache, tinyDir, request(`${PROMPT} --lora tiny-styel`))).rejects.toThrow(
      /is not in the LoRA folder \(did you mean tiny-style\?\); available: cut, tiny-style/,
    );
    await expect(runPipeline(cache, tinyDir, request(`${PROMPT} <lora:cut:1>`))).rejects.toThrow(
      /LoRA file .*cut\.safetensors is truncated/,
    );
  });

  it('--vae NAME and A1111 override_settings.sd_vae draw with the VAE of VAES_DIR', async () => {
    const byFlag = request(`${PROMPT} --vae vae-alt`);
    expect(byFlag.vae).toBe('vae-alt');
    const a1111 = a1111Params({
      prompt: PROMPT,
      override_settings: { sd_vae: 'vae-alt.safetensors' },
    } as Parameters<typeof a1111Params>[0]);
    expect(a1111.params.vae).toBe('vae-alt');
    const png = (await runPipeline(cache, tinyDir, { ...byFlag, loras: undefined })).images[0].png;
    expect(await meanAbsToReference(png, 'vae-txt2img-euler_a-s42.png')).toBeLessThanOrEqual(0.05);
    expect(() => parsePrompt('a fox --vae /srv/vaes/x')).toThrow(
      /--vae: .*is a path; here VAEs are named from the server VAE folder/,
    );
    await expect(runPipeline(cache, tinyDir, request(`${PROMPT} --vae vae-alr`))).rejects.toThrow(
      /is not in the VAE folder \(did you mean vae-alt\?\); available: vae-alt/,
    );
  });

  it("uses the model's default VAE from imagine.json when the job names none", async () => {
    const modelDir = path.join(mkdtempSync(path.join(tmpdir(), 'vae-default-')), 'tiny');
    cpSync(tinyDir, modelDir, { recursive: true });
    writeFileSync(path.join(modelDir, 'imagine.json'), JSON.stringify({ vae: 'vae-alt' }));
    const png = (await runPipeline(cache, modelDir, request(PROMPT))).images[0].png;
    expect(await meanAbsToReference(png, 'vae-txt2img-euler_a-s42.png')).toBeLessThanOrEqual(0.05);
    rmSync(path.dirname(modelDir), { recursive: true, force: true });
  });
});
