import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.ts';
import { decodeCheck } from '../../../queue/media/decode-check.ts';

function picture(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: '#c04020' } });
}

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

const UNREADABLE = 'image could not be read as a picture: send a PNG, JPEG or WebP';

describe('decodeCheck', () => {
  it.each([
    ['png', () => picture(20, 10).png()],
    ['jpeg', () => picture(20, 10).jpeg()],
    ['webp', () => picture(20, 10).webp()],
  ])('reads %s and reports its size', async (format, make) => {
    const bytes = await make().toBuffer();
    expect(await decodeCheck(bytes, { maxPixels: 1000 })).toEqual({ format, width: 20, height: 10 });
  });

  it('refuses bytes that are not a picture, whatever they were sent as', async () => {
    const html = Buffer.from('<html><body>not a picture</body></html>');
    expect((await refusal(decodeCheck(html, { maxPixels: 1000 }))).message).toBe(UNREADABLE);
    expect((await refusal(decodeCheck(Buffer.alloc(0), { maxPixels: 1000 }))).message).toBe(UNREADABLE);
  });

  it('refuses a truncated picture whose header alone looks fine', async () => {
    const bytes = await picture(64, 64).png({ compressionLevel: 0 }).toBuffer();
    const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
    expect((await sharp(cut).metadata()).width).toBe(64);
    expect((await refusal(decodeCheck(cut, { maxPixels: 10_000 }))).message).toBe(UNREADABLE);
  });

  it('refuses a small file that would decode to too many pixels', async () => {
    const bomb = await picture(3000, 3000).png({ compressionLevel: 9 }).toBuffer();
    expect(bomb.length).toBeLessThan(100_000);
    const err = await refusal(decodeCheck(bomb, { maxPixels: 1024 * 1024 }));
    expect(err.message).toBe('image is 3000x3000, more than 1048576 pixels: send a smaller picture');
    expect(await decodeCheck(bomb, { maxPixels: 9_000_000 })).toMatchObject({ width: 3000 });
  });

  it('refuses formats it was not asked to accept', async () => {
    const gif = await picture(8, 8).gif().toBuffer();
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>');
    expect((await refusal(decodeCheck(gif, { maxPixels: 100 }))).message).toBe(UNREADABLE);
    expect((await refusal(decodeCheck(svg, { maxPixels: 100 }))).message).toBe(UNREADABLE);
    expect(await decodeCheck(gif, { maxPixels: 100, formats: ['gif'] })).toEqual({
      format: 'gif',
      width: 8,
      height: 8,
    });
  });

  it('names the field it is given', async () => {
    const err = await refusal(decodeCheck(Buffer.from('x'), { maxPixels: 100, field: 'mask' }));
    expect(err.problems[0].field).toBe('mask');
  });
});
