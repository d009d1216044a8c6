// Our safetensors reader: the fidelity LoRA files read as their README describes, and broken files
// (a LoRA file is user input) give an error naming the file and what is wrong.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loraModules } from '../../../renderer/lora/lora-keys.ts';
import { MAX_HEADER_BYTES, parseSafeTensors, readSafeTensors } from '../../../renderer/lora/safetensors.ts';

const lorasDir = fileURLToPath(new URL('../../../../shared/fidelity-lora/loras/', import.meta.url));
const tmp = mkdtempSync(path.join(tmpdir(), 'safetensors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A safetensors file of the given tensors (float32 values), header padded to 8 bytes. */
function safetensorsBytes(
  tensors: Record<string, { shape: number[]; values: number[] }>,
  dtype = 'F32',
): Buffer {
  const header: Record<string, unknown> = { __metadata__: { ss_network_dim: '2' } };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const data = Buffer.from(Float32Array.from(t.values).buffer);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + data.length] };
    chunks.push(data);
    offset += data.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, Buffer.from(json), ...chunks]);
}

describe('safetensors reader', () => {
  it('reads tensors, shapes and metadata of a small file', () => {
    const file = parseSafeTensors(
      safetensorsBytes({ a: { shape: [2, 2], values: [1, 2, 3, 4.5] }, s: { shape: [], values: [7] } }),
      'small.safetensors',
    );
    expect([...file.tensors.keys()]).toEqual(['a', 's']);
    expect(file.tensors.get('a')?.shape).toEqual([2, 2]);
    expect([...(file.tensors.get('a')?.values ?? [])]).toEqual([1, 2, 3, 4.5]);
    expect([...(file.tensors.get('s')?.values ?? [])]).toEqual([7]);
    expect(file.metadata).toEqual({ ss_network_dim: '2' });
  });

  it('refuses a truncated file, naming the file and the tensor that is cut', () => {
    const whole = safetensorsBytes({ w: { shape: [4], values: [1, 2, 3, 4] } });
    expect(() => parseSafeTensors(whole.subarray(0, whole.length - 3), 'cut.safetensors')).toThrow(
      /LoRA file cut\.safetensors is truncated: tensor w ends at byte 16 of the data, which has 13/,
    );
    expect(() => parseSafeTensors(whole.subarray(0, 20), 'cut.safetensors')).toThrow(
      /cut\.safetensors is truncated: its header needs/,
    );
    expect(() => parseSafeTensors(whole.subarray(0, 5), 'cut.safetensors')).toThrow(/is 5 bytes long/);
  });

  it('refuses an oversized header before reading it', () => {
    const bytes = Buffer.alloc(16);
    bytes.writeBigUInt64LE(BigInt(MAX_HEADER_BYTES + 1));
    expect(() => parseSafeTensors(bytes, 'big.safetensors')).toThrow(
      /LoRA file big\.safetensors declares a \d+-byte header \(at most \d+\); it is not a safetensors file/,
    );
  });

  it('refuses a header that is not JSON, an unknown dtype and sizes that do not fit the shape', () => {
    const notJson = Buffer.concat([Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"a": [1')]);
    expect(() => parseSafeTensors(notJson, 'x.safetensors')).toThrow(/header that is not UTF-8 JSON/);
    expect(() =>
      parseSafeTensors(safetensorsBytes({ w: { shape: [1], values: [1] } }, 'BF16'), 'x.safetensors'),
    ).toThrow(/stores tensor w as BF16; only F32 and F16/);
    expect(() =>
      parseSafeTensors(safetensorsBytes({ w: { shape: [3], values: [1, 2] } }), 'x.safetensors'),
    ).toThrow(/gives tensor w 8 bytes; its shape \[3\] needs 12/);
  });

  it('names a missing file', async () => {
    await expect(readSafeTensors(path.join(tmp, 'none.safetensors'))).rejects.toThrow(
      /none\.safetensors could not be read/,
    );
  });

  it('reads a truncated copy of a real LoRA file as a clear error', async () => {
    if (!existsSync(lorasDir)) return;
    const cut = path.join(tmp, 'tiny-lora-cut.safetensors');
    writeFileSync(cut, readFileSync(path.join(lorasDir, 'tiny-lora.safetensors')).subarray(0, 100_000));
    await expect(readSafeTensors(cut)).rejects.toThrow(/tiny-lora-cut\.safetensors is truncated/);
  });
});

describe.skipIf(!existsSync(lorasDir))('LoRA keys of the fidelity files', () => {
  it('groups tiny-lora into 84 modules (72 UNet, 12 text encoder) at alpha / rank = 0.5', async () => {
    const { modules, unknown } = loraModules(
      await readSafeTensors(path.join(lorasDir, 'tiny-lora.safetensors')),
    );
    expect(unknown).toEqual([]);
    expect(modules.filter((m) => m.component === 'unet')).toHaveLength(72);
    expect(modules.filter((m) => m.component === 'text_encoder')).toHaveLength(12);
    expect(new Set(modules.map((m) => m.scale))).toEqual(new Set([0.5]));
    expect(modules.map((m) => m.target)).toContain('te:1:fc2');
  });

  it('reads the float16 file (subnormals included) as the float32 one rounded to float16', async () => {
    const f32 = await readSafeTensors(path.join(lorasDir, 'tiny-lora.safetensors'));
    const f16 = await readSafeTensors(path.join(lorasDir, 'tiny-lora-fp16.safetensors'));
    let worst = 0;
    for (const [name, t] of f32.tensors) {
      const h = f16.tensors.get(name)!;
      expect(h.dtype).toBe('F16');
      for (let i = 0; i < t.values.length; i++)
        worst = Math.max(
          worst,
          Math.abs(t.values[i] - h.values[i]) / Math.max(Math.abs(t.values[i]), 2 ** -14),
        );
    }
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(2 ** -10);
  });

  it('reads diffusers/peft keys as the same modules as kohya keys', () => {
    const tensor = (shape: number[]) => ({
      dtype: 'F32' as const,
      shape,
      values: new Float32Array(shape.reduce((a, b) => a * b, 1)),
    });
    const peft = loraModules({
      metadata: {},
      tensors: new Map([
        [
          'unet.down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_out.0.lora_A.weight',
          tensor([4, 64]),
        ],
        [
          'unet.down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_out.0.lora_B.weight',
          tensor([64, 4]),
        ],
        ['text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight', tensor([4, 32])],
        ['text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight', tensor([32, 4])],
        ['something.else', tensor([1])],
      ]),
    });
    expect(peft.modules.map((m) => [m.component, m.target, m.scale])).toEqual([
      ['unet', 'lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn2_to_out_0', 1],
      ['text_encoder', 'te:0:q_proj', 1],
    ]);
    expect(peft.unknown).toEqual(['something.else']);
  });
});
