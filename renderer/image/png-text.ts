// PNG files with text metadata: tEXt for Latin-1 text, iTXt (UTF-8) otherwise, as Pillow's add_text writes
// them, so AUTOMATIC1111's "PNG Info" and other tools read our `parameters` back.
import { inflateSync } from 'node:zlib';
import { buildPngChunk, insertAfterIhdr, readPngChunks } from './png-chunks.ts';
import { rawRgbInput } from './raw-rgb-input.ts';

/** Inflated text larger than this is refused: metadata is small, a bigger stream is a zip bomb. */
const MAX_TEXT_BYTES = 8 * 1024 * 1024;

function checkKeyword(keyword: string): void {
  // 1-79 printable Latin-1 characters, no leading, trailing or double spaces (PNG spec 11.3.4.3).
  if (
    !/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword) ||
    keyword.startsWith(' ') ||
    keyword.endsWith(' ') ||
    keyword.includes('  ')
  ) {
    throw new Error(`bad PNG text keyword ${JSON.stringify(keyword)}`);
  }
}

/** A tEXt chunk when the text is Latin-1, else an uncompressed iTXt chunk; NUL characters are dropped. */
export function buildTextChunk(keyword: string, text: string): Buffer {
  checkKeyword(keyword);
  const clean = text.replaceAll('\0', '');
  if (/^[\x01-\xff]*$/.test(clean)) {
    return buildPngChunk(
      'tEXt',
      Buffer.concat([Buffer.from(`${keyword}\0`, 'latin1'), Buffer.from(clean, 'latin1')]),
    );
  }
  // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, text.
  const head = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0])]);
  return buildPngChunk('iTXt', Buffer.concat([head, Buffer.from(clean, 'utf8')]));
}

/** The PNG with text entries inserted right after IHDR. */
export function addPngText(png: Buffer, entries: Record<string, string>): Buffer {
  const chunks = Object.entries(entries).map(([k, v]) => buildTextChunk(k, v));
  return chunks.length === 0 ? png : insertAfterIhdr(png, chunks);
}

function inflate(data: Buffer): Buffer | undefined {
  try {
    return inflateSync(data, { maxOutputLength: MAX_TEXT_BYTES });
  } catch {
    return undefined;
  }
}

/** Keyword and text of one tEXt, zTXt or iTXt chunk; undefined when malformed. */
function decodeTextChunk(type: string, data: Buffer): [string, string] | undefined {
  const nul = data.indexOf(0);
  if (nul < 1) return undefined;
  const keyword = data.subarray(0, nul).toString('latin1');
  if (type === 'tEXt') return [keyword, data.subarray(nul + 1).toString('latin1')];
  if (type === 'zTXt') {
    if (data[nul + 1] !== 0) return undefined;
    const text = inflate(data.subarray(nul + 2));
    return text && [keyword, text.toString('latin1')];
  }
  // iTXt: flag, method, language NUL, translated keyword NUL, text.
  const compressed = data[nul + 1] === 1;
  if (compressed && data[nul + 2] !== 0) return undefined;
  const languageEnd = data.indexOf(0, nul + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) return undefined;
  const body = data.subarray(translatedEnd + 1);
  if (!compressed) return [keyword, body.toString('utf8')];
  const text = inflate(body);
  return text && [keyword, text.toString('utf8')];
}

/** Every tEXt, zTXt and iTXt entry of a PNG; a later chunk with the same keyword wins, as in Pillow. */
export function readPngText(png: Buffer): Record<string, string> {
  // No prototype: a keyword such as "__proto__" stays an ordinary entry.
  const out: Record<string, string> = Object.create(null);
  for (const chunk of readPngChunks(png)) {
    if (!chunk.crcOk || (chunk.type !== 'tEXt' && chunk.type !== 'zTXt' && chunk.type !== 'iTXt')) continue;
    const entry = decodeTextChunk(chunk.type, chunk.data);
    if (entry) out[entry[0]] = entry[1];
  }
  return out;
}

/**
 * zlib level 5 instead of sharp's 6: a third faster on a 512x512 render (7.4 against 11.0 ms, a
 * noticeable share of a render's time outside the model) for 0.5-4% more bytes (docs/benchmarks.md).
 */
const PNG_COMPRESSION_LEVEL = 5;

/** A PNG; `parameters` (the AUTOMATIC1111 text) goes in a `parameters` text chunk right after IHDR. */
export async function encodePng(
  rgb: Uint8Array,
  width: number,
  height: number,
  parameters?: string,
): Promise<Buffer> {
  const png = await rawRgbInput(rgb, width, height)
    .png({ compressionLevel: PNG_COMPRESSION_LEVEL })
    .toBuffer();
  return parameters === undefined ? png : addPngText(png, { parameters });
}
