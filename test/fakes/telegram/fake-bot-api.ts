// A fake Telegram Bot API: a real HTTP server on 127.0.0.1 that telegraf talks to through its
// `apiRoot` option. It records every call the bot makes (uploaded files included), lets a test act
// as users (texts, commands, photos with captions, albums, replies, documents, button presses),
// delivers those updates by getUpdates or to a webhook set with setWebhook, and can answer a
// chosen method with an error (e.g. 429 with retry_after) a given number of times.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiFailure } from './api-failure.ts';
import { type FakeState, METHODS } from './bot-api-methods.ts';
import { type FakeChat, FakeChats, type FakeMessage, type FakeUser } from './fake-chats.ts';
import { type FakeFile, FakeFiles } from './fake-files.ts';
import { photoSizes } from './photo-sizes.ts';
import { readCall, type UploadedFile } from './read-call.ts';
import { UpdateQueue } from './update-queue.ts';
import { commandEntities } from './user-text.ts';

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  files: Record<string, UploadedFile>;
  /** Date.now() when the call arrived. */
  at: number;
  ok: boolean;
  errorCode?: number;
  description?: string;
  result?: unknown;
}

export interface InjectedFailure {
  code?: number;
  description?: string;
  retryAfter?: number;
  times?: number;
}

export interface FakeBotApiOptions {
  token?: string;
  /** Largest request the fake accepts (Telegram: 50 MB for a bot's uploads). */
  maxUploadBytes?: number;
  maxPhotoBytes?: number;
}

interface MediaOptions {
  caption?: string;
  mediaGroupId?: string;
  replyTo?: number;
  /** The size Telegram reports for the file, to fake files larger than the bytes given. */
  declaredSize?: number;
}

const BOT: FakeUser = { id: 7000001, is_bot: true, first_name: 'Imagine', username: 'imagine_test_bot' };

export class FakeBotApi {
  readonly calls: RecordedCall[] = [];
  /** Updates posted to the webhook, with the status the bot's server answered. */
  readonly webhookDeliveries: { updateId: number; status: number }[] = [];
  readonly state: FakeState;
  private failures = new Map<string, Required<Pick<InjectedFailure, 'times'>> & InjectedFailure>();
  private listeners = new Set<() => void>();
  private nextQuery = 1;

  private constructor(
    private readonly server: Server,
    readonly apiRoot: string,
    readonly token: string,
    private readonly maxUploadBytes: number,
    maxPhotoBytes: number,
  ) {
    this.state = {
      bot: BOT,
      chats: new FakeChats(),
      files: new FakeFiles(),
      updates: new UpdateQueue(),
      openQueries: new Set(),
      maxPhotoBytes,
    };
  }

  static async start(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    const token = options.token ?? `${BOT.id}:AAFakeTokenForTests_0123456789abcdef`;
    let fake!: FakeBotApi;
    const server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeBotApi(
      server,
      `http://127.0.0.1:${port}`,
      token,
      options.maxUploadBytes ?? 50 * 1024 * 1024,
      options.maxPhotoBytes ?? 10 * 1024 * 1024,
    );
    return fake;
  }

  get bot(): FakeUser {
    return this.state.bot;
  }

  // --- set-up -------------------------------------------------------------------------------------

  /** Makes the next `times` (default 1) calls of `method` fail, e.g. `{code: 429, retryAfter: 1}`. */
  failNext(method: string, failure: InjectedFailure): void {
    this.failures.set(method, { times: 1, ...failure });
  }

  user(id: number, firstName = `User${id}`, username?: string): FakeUser {
    return { id, is_bot: false, first_name: firstName, ...(username ? { username } : {}) };
  }

  privateChat(user: FakeUser): FakeChat {
    return this.state.chats.add({ id: user.id, type: 'private', first_name: user.first_name });
  }

  group(id: number, title = `group ${id}`): FakeChat {
    return this.state.chats.add({ id, type: 'supergroup', title });
  }

  setMemberStatus(chat: FakeChat, user: FakeUser, status: 'creator' | 'administrator' | 'member'): void {
    this.state.chats.setStatus(chat.id, user.id, status);
  }

  /** A file users can send (by file_id) or the bot can fetch; `declaredSize` fakes its reported size. */
  registerFile(bytes: Buffer, options: { declaredSize?: number; ext?: string } = {}): FakeFile {
    return this.state.files.register(bytes, { folder: 'documents', ...options });
  }

  // --- users act ----------------------------------------------------------------------------------

  async sendText(chat: FakeChat, from: FakeUser, text: string, options: { replyTo?: number } = {}) {
    const entities = commandEntities(text);
    return this.userMessage(chat, from, { text, ...(entities.length ? { entities } : {}) }, options.replyTo);
  }

  async sendPhoto(chat: FakeChat, from: FakeUser, bytes: Buffer, options: MediaOptions = {}) {
    const photo = await photoSizes(this.state.files, bytes, options.declaredSize);
    return this.userMessage(chat, from, { photo, ...this.captionFields(options) }, options.replyTo);
  }

  async sendDocument(
    chat: FakeChat,
    from: FakeUser,
    bytes: Buffer,
    options: MediaOptions & { fileName: string; mimeType: string },
  ) {
    const ext = options.fileName.split('.').pop() ?? 'bin';
    const file = this.state.files.register(bytes, {
      folder: 'documents',
      ext,
      declaredSize: options.declaredSize,
    });
    const document = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.file_size,
      file_name: options.fileName,
      mime_type: options.mimeType,
    };
    return this.userMessage(chat, from, { document, ...this.captionFields(options) }, options.replyTo);
  }

  /** Presses an inline keyboard button of `message`; returns the callback query id. */
  async pressButton(chat: FakeChat, from: FakeUser, message: FakeMessage, data: string): Promise<string> {
    const id = `q${this.nextQuery++}`;
    this.state.openQueries.add(id);
    const { reply_to_message: _, ...shown } = message;
    await this.inject({
      callback_query: { id, from, chat_instance: `ci${chat.id}`, message: shown, data },
    });
    return id;
  }

  /** Delivers an update: to the webhook when one is set, else to getUpdates. */
  async inject(update: Record<string, unknown>): Promise<number> {
    const queued = this.state.updates.push(update);
    const hook = this.state.webhook;
    if (hook) {
      // A webhook takes the update instead of getUpdates.
      this.state.updates.take(queued.update_id + 1, 0, 0, new AbortController().signal);
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(hook.secret ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}),
        },
        body: JSON.stringify(queued),
      });
      await res.arrayBuffer();
      this.webhookDeliveries.push({ updateId: queued.update_id, status: res.status });
    }
    return queued.update_id;
  }

  // --- reading what the bot did -------------------------------------------------------------------

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits for a successful call of `method` matching `match`. */
  async waitForCall(
    method: string,
    match: (call: RecordedCall) => boolean = () => true,
    what = method,
    ms = 30_000,
  ): Promise<RecordedCall> {
    return this.waitUntil(() => this.calls.find((c) => c.method === method && c.ok && match(c)), what, ms);
  }

  /** Resolves with `probe`'s first defined value, checked after every call the bot makes and every 20 ms. */
  waitUntil<T>(probe: () => T | undefined, what: string, ms = 30_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = probe();
        if (v === undefined) return;
        cleanup();
        resolve(v);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Telegram: timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      // Also polled: what the test waits for may be the bot's own state, not a call.
      const poll = setInterval(check, 20);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** The chat's messages as they read now (the bot's edits applied). */
  history(chat: FakeChat): FakeMessage[] {
    return this.state.chats.history(chat.id);
  }

  message(chat: FakeChat, messageId: number): FakeMessage | undefined {
    return this.state.chats.message(chat.id, messageId);
  }

  fileBytes(fileId: string): Buffer | undefined {
    return this.state.files.get(fileId)?.bytes;
  }

  get downloads(): readonly string[] {
    return this.state.files.downloads;
  }

  async close(): Promise<void> {
    this.state.updates.wakeAll();
    await new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  // --- internals ----------------------------------------------------------------------------------

  private captionFields(options: MediaOptions) {
    return {
      ...(options.caption ? { caption: options.caption } : {}),
      ...(options.mediaGroupId ? { media_group_id: options.mediaGroupId } : {}),
    };
  }

  private async userMessage(
    chat: FakeChat,
    from: FakeUser,
    fields: Record<string, unknown>,
    replyTo?: number,
  ) {
    const replied = replyTo === undefined ? undefined : this.state.chats.message(chat.id, replyTo);
    if (replyTo !== undefined && !replied)
      throw new Error(`fake Telegram: no message ${replyTo} in chat ${chat.id}`);
    const reply = replied ? (({ reply_to_message: _, ...rest }) => rest)(replied) : undefined;
    const message = this.state.chats.post(chat, from, {
      ...fields,
      ...(reply ? { reply_to_message: reply } : {}),
    });
    await this.inject({ message });
    return message;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiRoot);
    const file = url.pathname.match(/^\/file\/bot([^/]+)\/(.+)$/);
    if (file) return this.serveFile(file[1], decodeURIComponent(file[2]), res);
    const call = url.pathname.match(/^\/bot([^/]+)\/([A-Za-z]+)$/);
    if (!call) return this.answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (call[1] !== this.token)
      return this.answer(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = call[2];
    const aborted = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > this.maxUploadBytes) {
      req.resume();
      return this.answer(res, 413, { ok: false, error_code: 413, description: 'Request Entity Too Large' });
    }
    const input = await readCall(req, url);
    if (input.bodyBytes > this.maxUploadBytes)
      return this.answer(res, 413, { ok: false, error_code: 413, description: 'Request Entity Too Large' });
    const record: RecordedCall = {
      method,
      params: input.params,
      files: input.files,
      at: Date.now(),
      ok: false,
    };
    try {
      this.injectedFailure(method);
      const impl = METHODS[method];
      if (!impl) throw new ApiFailure(404, 'Not Found: method not found');
      const result = await impl(input, this.state, aborted.signal);
      record.ok = true;
      record.result = result;
      this.answer(res, 200, { ok: true, result });
    } catch (err) {
      const failure =
        err instanceof ApiFailure ? err : new ApiFailure(500, `Internal Server Error: ${String(err)}`);
      record.errorCode = failure.code;
      record.description = failure.description;
      this.answer(res, failure.code, {
        ok: false,
        error_code: failure.code,
        description: failure.description,
        ...(failure.parameters ? { parameters: failure.parameters } : {}),
      });
    }
    if (method !== 'getUpdates' || !record.ok || (record.result as unknown[]).length > 0) {
      this.calls.push(record);
      this.notify();
    }
  }

  private injectedFailure(method: string): void {
    const failure = this.failures.get(method);
    if (!failure) return;
    failure.times -= 1;
    if (failure.times <= 0) this.failures.delete(method);
    const code = failure.code ?? (failure.retryAfter !== undefined ? 429 : 400);
    const description =
      failure.description ??
      (code === 429 ? `Too Many Requests: retry after ${failure.retryAfter ?? 1}` : 'Bad Request');
    throw new ApiFailure(
      code,
      description,
      failure.retryAfter !== undefined ? { retry_after: failure.retryAfter } : undefined,
    );
  }

  private serveFile(token: string, filePath: string, res: ServerResponse): void {
    const bytes = token === this.token ? this.state.files.download(filePath) : undefined;
    if (!bytes) {
      const [code, description] = token === this.token ? [404, 'Not Found'] : [401, 'Unauthorized'];
      this.answer(res, code, { ok: false, error_code: code, description });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
    res.end(bytes);
    this.notify();
  }

  private answer(res: ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}
