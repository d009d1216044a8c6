// Reads a response body into memory, stopping the moment it grows past the limit, so a huge or endless
// body costs at most `maxBytes` however it is sent (with or without Content-Length, chunked, compressed).
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`body larger than ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

export function declaredLength(res: IncomingMessage): number | undefined {
  const header = res.headers['content-length'];
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

export async function readLimited(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = declaredLength(res);
  if (declared !== undefined && declared > maxBytes) {
    res.destroy();
    throw new BodyTooLargeError(maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      res.destroy();
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}
