// Request bodies as discord.js sends them: JSON, or multipart/form-data with `payload_json` and
// `files[n]` parts.
import type { IncomingMessage } from 'node:http';
import { DiscordError } from './discord-error.ts';
import type { UploadedFile } from './types.ts';

export interface ParsedBody {
  body: unknown;
  files: UploadedFile[];
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function parseBody(req: IncomingMessage): Promise<ParsedBody> {
  return parseBuffer(await readAll(req), req.headers['content-type'] ?? '');
}

export async function parseBuffer(raw: Buffer, contentType: string): Promise<ParsedBody> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith('application/json')) {
    try {
      return { body: JSON.parse(raw.toString('utf8')), files: [] };
    } catch {
      throw new DiscordError(400, 50109, 'The request body contains invalid JSON.');
    }
  }
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const files: UploadedFile[] = [];
    let body: Record<string, unknown> = {};
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') {
          try {
            body = { ...body, ...JSON.parse(value) };
          } catch {
            throw new DiscordError(400, 50109, 'The request body contains invalid JSON.');
          }
        } else body[field] = value;
        continue;
      }
      const match = /^files\[(\d+)\]$/.exec(field);
      files.push({
        field,
        index: match ? Number(match[1]) : null,
        filename: value.name,
        contentType: value.type || 'application/octet-stream',
        bytes: Buffer.from(await value.arrayBuffer()),
      });
    }
    return { body, files };
  }
  return { body: raw.toString('utf8'), files: [] };
}
