// Reads a Bot API call's parameters the ways Telegram accepts them: query string, JSON,
// urlencoded or multipart/form-data (files as parts; JSON fields such as reply_markup as strings).
import type { IncomingMessage } from 'node:http';

export interface UploadedFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface CallInput {
  params: Record<string, unknown>;
  files: Record<string, UploadedFile>;
  /** The request body's size in bytes (the upload limit is checked on it). */
  bodyBytes: number;
}

/** Multipart values that Telegram reads as JSON. */
const JSON_FIELDS = new Set(['reply_markup', 'reply_parameters', 'media', 'allowed_updates', 'entities']);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function fromText(name: string, value: string): unknown {
  if (!JSON_FIELDS.has(name)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export async function readCall(req: IncomingMessage, url: URL): Promise<CallInput> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files: Record<string, UploadedFile> = {};
  const body = await readBody(req);
  const type = req.headers['content-type'] ?? '';
  if (body.length === 0) return { params, files, bodyBytes: 0 };
  if (type.startsWith('application/json')) {
    Object.assign(params, JSON.parse(body.toString('utf8')));
  } else if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    const form = await new Response(body, { headers: { 'content-type': type } }).formData();
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') {
        params[name] = fromText(name, value);
      } else {
        files[name] = {
          filename: value.name,
          contentType: value.type || 'application/octet-stream',
          bytes: Buffer.from(await value.arrayBuffer()),
        };
      }
    }
  }
  return { params, files, bodyBytes: body.length };
}
