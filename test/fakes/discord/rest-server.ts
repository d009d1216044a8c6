// The fake's HTTP side: REST under /api/v10 (recorded, authorised, optionally rate limited) and
// the CDN routes that serve attachment bytes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AttachmentStore } from './attachment-store.ts';
import { DiscordError } from './discord-error.ts';
import { parseBody } from './http-body.ts';
import type { RateLimits } from './rate-limits.ts';
import { matchRoute, type RouteContext } from './routes.ts';
import type { RecordedRequest } from './types.ts';

export interface CdnRequest {
  path: string;
  status: number;
  attachmentId: string | null;
  receivedAt: number;
}

export interface RestServerState {
  context: RouteContext;
  token: string;
  attachments: AttachmentStore;
  rateLimits: RateLimits;
  requests: RecordedRequest[];
  cdnRequests: CdnRequest[];
  /** Errors inside the fake itself (a bug of the fake, not of the bot), answered with 500. */
  faults: Error[];
  onChange: () => void;
}

const API_PREFIX = '/api/v10';

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined || status === 204) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export function createRequestHandler(state: RestServerState) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    try {
      if (url.pathname.startsWith(`${API_PREFIX}/`)) await handleRest(state, req, res, url);
      else if (url.pathname.startsWith('/attachments/') || url.pathname.startsWith('/media/attachments/')) {
        serveAttachment(state, res, url);
      } else send(res, 404, { message: '404: Not Found', code: 0 });
    } catch (error) {
      state.faults.push(error as Error);
      if (!res.headersSent)
        send(res, 500, { message: `fake Discord fault: ${(error as Error).message}`, code: 0 });
    }
  };
}

async function handleRest(state: RestServerState, req: IncomingMessage, res: ServerResponse, url: URL) {
  const receivedAt = Date.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname.slice(API_PREFIX.length);
  const match = matchRoute(method, path);
  const record: RecordedRequest = {
    seq: 0,
    method,
    path,
    route: match?.route.template ?? null,
    params: match?.params ?? {},
    query: Object.fromEntries(url.searchParams),
    authorization: req.headers.authorization ?? null,
    contentType: req.headers['content-type'] ?? null,
    body: undefined,
    files: [],
    status: 0,
    response: undefined,
    receivedAt,
  };
  let status = 200;
  let body: unknown;
  let headers: Record<string, string> = {};
  try {
    const parsed = await parseBody(req);
    record.body = parsed.body;
    record.files = parsed.files;
    const token = match?.params.token;
    if (token) {
      record.interactionId = state.context.interactions.idForToken(token);
      await state.context.interactions.responseApplied(token);
    }
    const limited = state.rateLimits.check(method, path, record.route);
    if (!match) throw new DiscordError(404, 0, '404: Not Found');
    if (limited) {
      ({ status, body, headers } = limited);
    } else if (match.route.auth && req.headers.authorization !== `Bot ${state.token}`) {
      throw new DiscordError(401, 0, '401: Unauthorized');
    } else {
      const answer = match.route.handle(state.context, {
        params: match.params,
        query: record.query,
        body: parsed.body,
        files: parsed.files,
      });
      status = answer.status ?? 200;
      body = answer.body;
      if (answer.interactionId) record.interactionId = answer.interactionId;
    }
  } catch (error) {
    if (!(error instanceof DiscordError)) throw error;
    status = error.status;
    body = error.body();
  }
  record.status = status;
  record.response = body;
  record.seq = state.requests.length + 1;
  state.requests.push(record);
  send(res, status, body, headers);
  state.onChange();
}

function serveAttachment(state: RestServerState, res: ServerResponse, url: URL): void {
  // /attachments/<bucket>/<id>/<filename> or /media/attachments/...
  const parts = url.pathname.split('/').filter(Boolean);
  const offset = parts[0] === 'media' ? 1 : 0;
  const id = parts[offset + 2] ?? null;
  const attachment = id ? state.attachments.get(id) : undefined;
  const filename = parts[offset + 3] ? decodeURIComponent(parts[offset + 3]) : null;
  const found = attachment && attachment.filename === filename;
  state.cdnRequests.push({
    path: url.pathname + url.search,
    status: found ? 200 : 404,
    attachmentId: id,
    receivedAt: Date.now(),
  });
  if (!found) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('This content is no longer available.');
    return;
  }
  res
    .writeHead(200, {
      'content-type': attachment.content_type,
      'content-length': String(attachment.bytes.length),
      'cache-control': 'public, max-age=31536000',
    })
    .end(attachment.bytes);
  state.onChange();
}
