import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildPngChunk, insertAfterIhdr, readPngChunks } from '../../../renderer/image/png-chunks.ts';
import { encodePng, readPngText } from '../../../renderer/image/png-text.ts';

const W = 6;
const H = 4;
const rgb = Buffer.from(Array.from({ length: W * H * 3 }, (_, i) => (i * 29) % 256));

describe('encodePng', () => {
  it('puts a Latin-1 parameters text in a tEXt chunk right after IHDR, with a correct CRC', async () => {
    const text = 'a café at night, "neon"\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a';
    const png = await encodePng(rgb, W, H, text);
    const chunks = readPngChunks(png);
    expect(chunks[0].type).toBe('IHDR');
    expect(chunks[1].type).toBe('tEXt');
    expect(chunks.every((c) => c.crcOk)).toBe(true);
    // The exact bytes: keyword, NUL, Latin-1 text; CRC over type and data.
    expect(chunks[1].data.equals(Buffer.from(`parameters\0${text}`, 'latin1'))).toBe(true);
    const stored = png.readUInt32BE(chunks[1].offset + 8 + chunks[1].data.length);
    expect(stored).toBe(crc32(Buffer.concat([Buffer.from('tEXt'), chunks[1].data])));
    expect(readPngText(png)).toEqual({ parameters: text });
  });

  it('still decodes with sharp to the same pixels', async () => {
    const png = await encodePng(rgb, W, H, 'a prompt\nSteps: 1, Sampler: DDIM, CFG scale: 1');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([W, H, 3]);
    expect(data.equals(rgb)).toBe(true);
  });

  it('uses an iTXt chunk with UTF-8 for text outside Latin-1', async () => {
    const text = '夜の猫 🐈 café\nSteps: 20';
    const png = await encodePng(rgb, W, H, text);
    const chunk = readPngChunks(png)[1];
    expect(chunk.type).toBe('iTXt');
    // keyword NUL, flag 0, method 0, empty language NUL, empty translated keyword NUL, UTF-8 text.
    expect(
      chunk.data.equals(Buffer.concat([Buffer.from('parameters\0\0\0\0\0'), Buffer.from(text, 'utf8')])),
    ).toBe(true);
    expect(readPngText(png)).toEqual({ parameters: text });
    expect((await sharp(png).metadata()).width).toBe(W);
  });

  it('writes no text chunk without parameters', async () => {
    const png = await encodePng(rgb, W, H);
    expect(readPngChunks(png).map((c) => c.type)).not.toContain('tEXt');
    expect(readPngText(png)).toEqual({});
  });
});

describe('readPngText', () => {
  it('reads zTXt and compressed iTXt, skips chunks with a bad CRC, later keys win', async () => {
    const plain = await encodePng(rgb, W, H);
    const ztxt = buildPngChunk(
      'zTXt',
      Buffer.concat([Buffer.from('Comment\0\0'), deflateSync(Buffer.from('Ünïcode-free', 'latin1'))]),
    );
    const itxt = buildPngChunk(
      'iTXt',
      Buffer.concat([Buffer.from('Title\0\x01\x00en\0Titel\0'), deflateSync(Buffer.from('猫の絵', 'utf8'))]),
    );
    const first = buildPngChunk('tEXt', Buffer.from('Title\0old'));
    const broken = buildPngChunk('tEXt', Buffer.from('Broken\0value'));
    broken[broken.length - 1] ^= 0xff;
    const png = insertAfterIhdr(plain, [first, ztxt, itxt, broken]);
    expect(readPngText(png)).toEqual({ Comment: 'Ünïcode-free', Title: '猫の絵' });
    expect((await sharp(png).metadata()).width).toBe(W);
  });

  it('refuses a file that is not a PNG', () => {
    expect(() => readPngText(Buffer.from('GIF89a'))).toThrow(/not a PNG/);
  });
});
