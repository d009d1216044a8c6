// PNG chunk plumbing: walk the chunks of a file and build new ones with their CRC-32
// (PNG specification, sections 5.3 and 5.4).
import { crc32 } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngChunk {
  type: string;
  data: Buffer;
  /** Byte offset of the chunk's length field in the file. */
  offset: number;
  /** Whether the stored CRC matches the type and data. */
  crcOk: boolean;
}

export function isPng(bytes: Uint8Array): boolean {
  return (
    bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.equals(bytes.subarray(0, PNG_SIGNATURE.length))
  );
}

/** The chunks in file order, up to IEND or to the first chunk that runs past the end of the file. */
export function readPngChunks(png: Buffer): PngChunk[] {
  if (!isPng(png)) throw new Error('not a PNG file (bad signature)');
  const chunks: PngChunk[] = [];
  let offset = PNG_SIGNATURE.length;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > png.length) break;
    const typeAndData = png.subarray(offset + 4, offset + 8 + length);
    const type = typeAndData.subarray(0, 4).toString('latin1');
    const crcOk = crc32(typeAndData) === png.readUInt32BE(offset + 8 + length);
    chunks.push({ type, data: png.subarray(offset + 8, offset + 8 + length), offset, crcOk });
    offset = end;
    if (type === 'IEND') break;
  }
  return chunks;
}

/** One chunk as bytes: length, type, data, CRC-32 over type and data. */
export function buildPngChunk(type: string, data: Uint8Array): Buffer {
  if (!/^[A-Za-z]{4}$/.test(type)) throw new Error(`bad PNG chunk type ${JSON.stringify(type)}`);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  chunk.set(data, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

/** The file with `chunks` inserted right after IHDR, where readers that stop early still see them. */
export function insertAfterIhdr(png: Buffer, chunks: Buffer[]): Buffer {
  const first = readPngChunks(png)[0];
  if (first?.type !== 'IHDR') throw new Error('PNG does not start with IHDR');
  const at = first.offset + 12 + first.data.length;
  return Buffer.concat([png.subarray(0, at), ...chunks, png.subarray(at)]);
}
