/**
 * A fake Discord on 127.0.0.1 that discord.js v14 runs against unmodified: REST (API v10), the
 * gateway WebSocket, and a CDN for attachment bytes, all on one port. It records what the bot
 * sent and keeps the state Discord would (messages with edits applied, registered commands).
 *
 * ## Pointing discord.js at it
 *
 *   const fake = await startFakeDiscord({ token: 'T', applicationId: '111', guilds: [{ id: '222',
 *     channels: [{ id: '333', name: 'art' }, { id: '334', nsfw: true }], roles: [{ id: '444' }] }] });
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: fake.restOptions });
 *   await client.login('T');          // GET /gateway/bot -> ws://127.0.0.1:<port>/gateway
 *
 * `fake.restOptions` is `{ api: `${fake.url}/api`, cdn: fake.url, mediaProxy: fake.url }`:
 * @discordjs/rest appends `/v10` to `api` itself. The gateway URL comes from GET /gateway/bot,
 * as in production; discord.js uses JSON without compression when zlib-sync is absent (it is).
 * Attachment URLs look like `${fake.url}/attachments/<channel>/<id>/<name>?ex=..&is=..&hm=..&`.
 *
 * ## Driving the bot (each returns `{ id, token, payload }` once INTERACTION_CREATE is sent;
 *    they wait up to 10 s for a bot to be connected)
 *
 *   fake.slashCommand({ name: 'imagine', options: { prompt: 'a cat --ar 3:2', image: att },
 *                       user: { id: '9', username: 'ann' }, guildId?, channelId?, roles?, permissions? })
 *     Options are checked against the command the bot registered (names, required, types,
 *     choices, ranges); attachment options take `fake.addAttachment(...)` or
 *     `{ bytes, filename, contentType }` and arrive in `resolved.attachments`.
 *     `subcommand`/`subcommandGroup` select a subcommand. `guildId: null` is a DM.
 *   fake.pressButton({ message: messageId, customId: 'reroll:1', user })   // ButtonInteraction
 *   fake.selectMenu({ message, customId, values, user })
 *   fake.submitModal({ fromInteraction: id, fields: { prompt: 'new' } })   // answers the modal the
 *     bot showed for that interaction: same custom id and layout, unnamed fields keep their value
 *   fake.submitModal({ customId, fields, user, message? })                 // or a modal by hand
 *   fake.messageContextMenu({ name: 'Inpaint', targetMessage: messageId, user })
 *   fake.postUserMessage({ channelId, author, content?, attachments?, dispatch? })  // a message to
 *     use a context menu on; `dispatch: true` also sends MESSAGE_CREATE
 *   fake.addAttachment(bytes, filename, contentType) -> FakeAttachment { id, url, proxy_url, width, height, size, bytes }
 *   fake.dispatch('GUILD_MEMBER_ADD', data)                                  // any gateway event
 *   fake.addGuild / addChannel(guildId, { id, nsfw }) / addRole: change the world between steps.
 *
 * ## Interactions endpoint mode (HTTP instead of the gateway)
 *
 *   fake.deliverInteractionsTo('http://127.0.0.1:8080/discord/interactions')
 *     the same helpers now POST each interaction there, signed with Ed25519 (X-Signature-Ed25519,
 *     X-Signature-Timestamp); the HTTP response is the callback (JSON or multipart), recorded in
 *     `requests` with `viaEndpoint: true`. The bot verifies with `fake.publicKey` (hex; also
 *     GET /applications/@me verify_key). `fake.ping()` sends a PING; `fake.signInteraction(body,
 *     timestampSeconds?)` gives valid headers to tamper with. `deliverInteractionsTo(null)` reverts.
 *
 * ## Reading what the bot did
 *
 *   fake.requests                       every REST request: method, path, route template, params,
 *                                       query, body (JSON or payload_json), files (bytes), status,
 *                                       response, receivedAt
 *   fake.messages(channelId)            current messages (edits applied): content, embeds,
 *                                       components, attachments with bytes, flags, revisions
 *   fake.message(id), fake.originalResponse(interactionId)
 *   fake.interaction(id)                callbackType, acknowledgedAt, originalMessageId, modal
 *   fake.interactionResponses(id)       the callback and every webhook request of that interaction
 *   fake.commands(guildId?)             registered commands (global when no guild)
 *   fake.waitFor(() => value|undefined, timeoutMs?, what?)    resolves when the probe returns
 *                                       something (re-checked on each request and every 25 ms)
 *   fake.waitForRequest(request => boolean, timeoutMs?)
 *   fake.waitForGateway(timeoutMs?), fake.gatewayConnections   a bot identified and connected
 *   fake.cdnRequests, fake.gatewayFrames (IDENTIFY/RESUME/presence, tokens redacted), fake.faults
 *   Requests to routes the fake does not know are recorded with `route: null` and answered 404.
 *
 * ## Faults to inject
 *
 *   fake.rateLimit({ method: 'PATCH', route: '/webhooks/:app/:token/messages/:message', times: 1,
 *                    retryAfterMs: 200 })   429 with Retry-After and X-RateLimit-* headers
 *   fake.disconnectGateway(4000) (discord.js resumes), fake.requestReconnect() (op 7)
 *
 * Discord's rules the fake enforces: Bot token on authorised routes (401), one callback per
 * interaction within `interactionAckDeadlineMs` (default 3000; 40060 / 10062), webhook calls
 * only after the callback, message and modal limits (50035 naming the field), empty messages
 * (50006), uploads over 10 MiB (40005), a follow-up to a still-loading deferred reply replaces
 * it (follow-ups always return the message: `wait` is implied), and edits that keep attachments
 * only as the `attachments` array says (old ones by id, new uploads by the n of `files[n]`).
 *
 * Destroy the discord.js client before `fake.close()`; a client left connected would keep
 * trying to reconnect to the closed port.
 */

import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AttachmentDetails, AttachmentStore } from './attachment-store.ts';
import { ChangeWaiter } from './change-waiter.ts';
import { CommandStore, GLOBAL } from './command-store.ts';
import { Directory } from './directory.ts';
import { Gateway, type GatewayFrame } from './gateway.ts';
import {
  type BuiltInteraction,
  type ComponentInput,
  componentPayload,
  type MessageContextMenuInput,
  type ModalSubmitInput,
  messageContextMenuPayload,
  modalSubmitPayload,
  type SlashCommandInput,
  slashCommandPayload,
  submittedComponents,
} from './interaction-builder.ts';
import { Interactions } from './interactions.ts';
import { deliverToEndpoint, InteractionSigner, type SignedHeaders } from './interactions-endpoint.ts';
import { apiMessage, MessageStore } from './message-store.ts';
import { apiMember, guildCreate, readyPayload } from './payloads.ts';
import { type RateLimitRule, RateLimits } from './rate-limits.ts';
import { type CdnRequest, createRequestHandler } from './rest-server.ts';
import type { RouteContext } from './routes.ts';
import { nextSnowflake } from './snowflake.ts';
import type {
  FakeAttachment,
  FakeChannelConfig,
  FakeDiscordOptions,
  FakeGuildConfig,
  FakeInteraction,
  FakeMessage,
  FakeRoleConfig,
  FakeUser,
  RecordedRequest,
  UserInput,
} from './types.ts';

export type {
  ComponentInput,
  MessageContextMenuInput,
  ModalSubmitInput,
  SlashCommandInput,
} from './interaction-builder.ts';
export type { RateLimitRule } from './rate-limits.ts';
export type * from './types.ts';

type Json = Record<string, unknown>;

/** What the interaction helpers return. */
export interface SentInteraction {
  id: string;
  token: string;
  payload: Json;
}

export interface UserMessageInput {
  channelId: string;
  author: UserInput;
  content?: string;
  /** Attachments added with `addAttachment`, or bytes to attach. */
  attachments?: Array<FakeAttachment | { bytes: Uint8Array; filename: string; contentType: string }>;
  embeds?: Json[];
  /** Also send MESSAGE_CREATE to the bot (it needs the GuildMessages intent to get it). */
  dispatch?: boolean;
}

const GATEWAY_WAIT_MS = 10_000;

export class FakeDiscord {
  readonly url: string;
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: FakeUser;
  /** Ed25519 public key (hex) of the application, as GET /applications/@me `verify_key` shows it. */
  readonly publicKey: string;
  readonly requests: RecordedRequest[] = [];
  readonly cdnRequests: CdnRequest[] = [];
  /** Errors inside the fake (answered with 500): a test should expect none. */
  readonly faults: Error[] = [];

  private readonly directory: Directory;
  private readonly attachments: AttachmentStore;
  private readonly messageStore: MessageStore;
  private readonly commandStore: CommandStore;
  private readonly interactions: Interactions;
  private readonly rateLimits = new RateLimits();
  private readonly gateway: Gateway;
  private readonly waiter = new ChangeWaiter();
  private readonly signer = new InteractionSigner();
  private readonly ackDeadlineMs: number | null;
  private endpoint: string | null = null;

  private constructor(
    private readonly server: Server,
    port: number,
    options: FakeDiscordOptions,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.token = options.token;
    this.applicationId = options.applicationId;
    this.botUser = {
      id: options.botUserId ?? options.applicationId,
      username: options.botUsername ?? 'imagine-bot',
      global_name: null,
      discriminator: '0',
      avatar: null,
      bot: true,
      public_flags: 0,
    };
    this.publicKey = this.signer.publicKey;
    this.directory = new Directory(this.botUser);
    for (const guild of options.guilds ?? []) this.directory.addGuild(guild);
    this.attachments = new AttachmentStore(() => this.url);
    this.messageStore = new MessageStore(this.attachments);
    this.commandStore = new CommandStore(this.applicationId);
    this.ackDeadlineMs =
      options.interactionAckDeadlineMs === undefined ? 3000 : options.interactionAckDeadlineMs;
    this.interactions = new Interactions(
      this.directory,
      this.messageStore,
      this.applicationId,
      this.ackDeadlineMs,
    );
    const context: RouteContext = {
      directory: this.directory,
      messages: this.messageStore,
      attachments: this.attachments,
      commands: this.commandStore,
      interactions: this.interactions,
      applicationId: this.applicationId,
      gatewayUrl: () => this.gatewayUrl,
      verifyKey: this.publicKey,
    };
    server.on(
      'request',
      createRequestHandler({
        context,
        token: this.token,
        attachments: this.attachments,
        rateLimits: this.rateLimits,
        requests: this.requests,
        cdnRequests: this.cdnRequests,
        faults: this.faults,
        onChange: () => this.changed(),
      }),
    );
    this.gateway = new Gateway(server, {
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      url: () => this.gatewayUrl,
      ready: (session) => readyPayload(this.directory, this.applicationId, session.id, this.gatewayUrl),
      guildCreates: () => [...this.directory.guilds.values()].map((g) => guildCreate(this.directory, g)),
      onChange: () => this.changed(),
    });
  }

  static async start(options: FakeDiscordOptions): Promise<FakeDiscord> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new FakeDiscord(server, (server.address() as AddressInfo).port, options);
  }

  /** The gateway URL GET /gateway/bot hands out. */
  get gatewayUrl(): string {
    return `${this.url.replace('http:', 'ws:')}/gateway`;
  }

  /** discord.js `rest` options that point at this fake. */
  get restOptions(): { api: string; cdn: string; mediaProxy: string } {
    return { api: `${this.url}/api`, cdn: this.url, mediaProxy: this.url };
  }

  /** How many bot connections are identified (or resumed) and open. */
  get gatewayConnections(): number {
    return this.gateway.readySessions().length;
  }

  /** Gateway frames the bot sent besides heartbeats (tokens redacted). */
  get gatewayFrames(): readonly GatewayFrame[] {
    return this.gateway.frames;
  }

  // ---- the world --------------------------------------------------------------------------

  addGuild(config: FakeGuildConfig): void {
    this.directory.addGuild(config);
  }

  /** Adds or replaces a channel (e.g. `{ id, nsfw: true }`); guildId null for a DM channel. */
  addChannel(guildId: string | null, config: FakeChannelConfig): void {
    this.directory.addChannel(guildId, config);
  }

  addRole(guildId: string, config: FakeRoleConfig): void {
    this.directory.addRole(guildId, config);
  }

  /** Stores bytes the CDN route serves; the result can go into interactions and messages. */
  addAttachment(
    bytes: Uint8Array,
    filename: string,
    contentType: string,
    details: AttachmentDetails = {},
  ): FakeAttachment {
    return this.attachments.add(bytes, filename, contentType, this.applicationId, details);
  }

  /** A message a user wrote (e.g. with a picture to use a context-menu command on). */
  postUserMessage(input: UserMessageInput): FakeMessage {
    const channel = this.directory.channel(input.channelId);
    const attachments = (input.attachments ?? []).map((a) => {
      if ('id' in a && this.attachments.get(a.id)) return a;
      const given = a as { bytes: Uint8Array; filename: string; contentType: string };
      return this.attachments.add(given.bytes, given.filename, given.contentType, channel.id);
    });
    const message = this.messageStore.create({
      channelId: channel.id,
      guildId: channel.guildId,
      author: this.directory.user(input.author),
      body: { content: input.content ?? '', embeds: input.embeds ?? [] },
      files: [],
      attachments,
    });
    if (input.dispatch) {
      const data: Json = { ...apiMessage(message, this.applicationId) };
      if (channel.guildId) {
        const roles = this.directory.members.get(channel.guildId)?.get(message.author.id) ?? [];
        const { user: _user, ...member } = apiMember(message.author, roles, new Date().toISOString());
        Object.assign(data, { guild_id: channel.guildId, member });
      }
      this.gateway.dispatch('MESSAGE_CREATE', data);
    }
    return message;
  }

  // ---- driving the bot ---------------------------------------------------------------------

  /** Sends a gateway dispatch (op 0) of this type to the connected bot; returns how many sessions got it. */
  dispatch(type: string, data: unknown): number {
    return this.gateway.dispatch(type, data);
  }

  /** Resolves once a bot has identified (or resumed) and is connected. */
  async waitForGateway(timeoutMs = GATEWAY_WAIT_MS): Promise<void> {
    await this.waitFor(
      () => (this.gateway.readySessions().length > 0 ? true : undefined),
      timeoutMs,
      'a bot connected to the gateway',
    );
  }

  async slashCommand(input: SlashCommandInput): Promise<SentInteraction> {
    return this.send(slashCommandPayload(this.builderContext(), input));
  }

  async messageContextMenu(input: MessageContextMenuInput): Promise<SentInteraction> {
    return this.send(messageContextMenuPayload(this.builderContext(), input));
  }

  async pressButton(input: Omit<ComponentInput, 'values'>): Promise<SentInteraction> {
    return this.send(componentPayload(this.builderContext(), input));
  }

  async selectMenu(input: ComponentInput & { values: string[] }): Promise<SentInteraction> {
    return this.send(componentPayload(this.builderContext(), input));
  }

  /**
   * A modal submit. With `fromInteraction`, it answers the modal the bot showed for that
   * interaction (same user, place, custom id and layout; `fields` override prefilled values).
   */
  async submitModal(input: ModalSubmitInput & { fromInteraction?: string }): Promise<SentInteraction> {
    if (input.fromInteraction) {
      const opened = this.interaction(input.fromInteraction);
      if (!opened.modal)
        throw new Error(`fake Discord: interaction ${opened.id} was not answered with a modal`);
      const payload = opened.payload as { user?: UserInput; member?: { user: UserInput; roles: string[] } };
      const user = input.user ?? payload.member?.user ?? payload.user;
      return this.send(
        modalSubmitPayload(
          this.builderContext(),
          {
            ...input,
            user,
            roles: input.roles ?? payload.member?.roles,
            customId: String(opened.modal.custom_id),
            components: input.components ?? submittedComponents(opened.modal, input.fields ?? {}),
            message: input.message ?? opened.sourceMessageId ?? undefined,
          },
          { channelId: opened.channelId as string, guildId: opened.guildId },
        ),
      );
    }
    if (!input.customId) throw new Error('fake Discord: submitModal needs fromInteraction or customId');
    const components =
      input.components ??
      Object.entries(input.fields ?? {}).map(([customId, value], i) => ({
        type: 1,
        id: i * 2 + 1,
        components: [{ type: 4, id: i * 2 + 2, custom_id: customId, value }],
      }));
    return this.send(
      modalSubmitPayload(this.builderContext(), { ...input, customId: input.customId, components }),
    );
  }

  private builderContext() {
    return {
      directory: this.directory,
      attachments: this.attachments,
      commands: this.commandStore,
      messages: this.messageStore,
      applicationId: this.applicationId,
    };
  }

  private async send(built: BuiltInteraction): Promise<SentInteraction> {
    if (this.endpoint) return this.deliver(this.endpoint, built);
    await this.waitForGateway();
    this.interactions.register(built);
    this.gateway.dispatch('INTERACTION_CREATE', built.payload);
    this.changed();
    return { id: built.id, token: built.token, payload: built.payload };
  }

  /**
   * From now on the interaction helpers POST to this URL (signed, as Discord does for an
   * "interactions endpoint URL") instead of using the gateway, and take the HTTP response as the
   * callback. `null` goes back to the gateway. The bot checks signatures with `fake.publicKey`.
   */
  deliverInteractionsTo(url: string | null): void {
    this.endpoint = url;
  }

  /** The signature headers Discord would send with this body (to build tampered requests from). */
  signInteraction(body: string, timestampSeconds?: number): SignedHeaders {
    return this.signer.sign(body, timestampSeconds);
  }

  /** Sends a PING to the interactions endpoint, as Discord does when the URL is saved. */
  async ping(url = this.endpoint): Promise<SentInteraction & { status: number; response: unknown }> {
    if (!url)
      throw new Error('fake Discord: ping needs an endpoint URL (deliverInteractionsTo or an argument)');
    const id = nextSnowflake();
    const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(48).toString('base64url')}`;
    const payload = { id, application_id: this.applicationId, type: 1, token, version: 1, entitlements: [] };
    const built: BuiltInteraction = {
      id,
      token,
      type: 1,
      payload,
      user: this.botUser,
      guildId: null,
      channelId: '',
      sourceMessageId: null,
    };
    const sent = await this.deliver(url, built);
    const record = this.interactionResponses(id).at(-1);
    return { ...sent, status: record?.status ?? 0, response: record?.response };
  }

  private async deliver(url: string, built: BuiltInteraction): Promise<SentInteraction> {
    const interaction = this.interactions.register(built);
    let applied = () => {};
    this.interactions.expectEndpointResponse(
      built.token,
      new Promise<void>((resolve) => (applied = resolve)),
    );
    try {
      const record = await deliverToEndpoint(
        this.signer,
        url,
        built,
        this.ackDeadlineMs ?? 15_000,
        (body, files) => this.interactions.callback(interaction, body, files),
      );
      // Recorded before webhook calls that waited for it, so the record keeps Discord's order.
      this.requests.push({ ...record, seq: this.requests.length + 1 });
    } finally {
      applied();
    }
    this.changed();
    return { id: built.id, token: built.token, payload: built.payload };
  }

  // ---- reading the record -------------------------------------------------------------------

  /** Current messages of a channel (edits applied, deleted ones left out), oldest first. */
  messages(channelId: string): FakeMessage[] {
    return this.messageStore.list(channelId);
  }

  /** A message by id, also a deleted one (then `deleted` is true); throws if unknown. */
  message(id: string): FakeMessage {
    const message = this.messageStore.find(id);
    if (!message) throw new Error(`fake Discord: no message ${id}`);
    return message;
  }

  interaction(id: string): FakeInteraction {
    const interaction = this.interactions.get(id);
    if (!interaction) throw new Error(`fake Discord: no interaction ${id}`);
    return interaction;
  }

  /** The message `@original` of an interaction refers to, if there is one yet. */
  originalResponse(interactionId: string): FakeMessage | undefined {
    const id = this.interaction(interactionId).originalMessageId;
    return id ? this.messageStore.find(id) : undefined;
  }

  /** The callback and webhook requests (edits, follow-ups, deletes) of one interaction, in order. */
  interactionResponses(interactionId: string): RecordedRequest[] {
    return this.requests.filter((r) => r.interactionId === interactionId);
  }

  /** Registered application commands: global, or of one guild. */
  commands(guildId?: string): Json[] {
    return this.commandStore.list(guildId ?? GLOBAL);
  }

  /**
   * Resolves with the probe's first value that is not undefined/null/false; re-checked after
   * every request and gateway change, and every 25 ms. Fails naming `what` after `timeoutMs`.
   */
  waitFor<T>(
    probe: () => T | undefined | null | false,
    timeoutMs = 10_000,
    what = 'a condition',
  ): Promise<T> {
    return this.waiter.waitFor(probe, timeoutMs, what);
  }

  /** The first recorded REST request (already received or still to come) that matches. */
  waitForRequest(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs = 10_000,
  ): Promise<RecordedRequest> {
    return this.waitFor(() => this.requests.find(predicate), timeoutMs, 'a matching REST request');
  }

  // ---- faults ------------------------------------------------------------------------------

  /** The next matching request(s) get 429 with Discord's rate-limit headers. */
  rateLimit(rule: RateLimitRule): void {
    this.rateLimits.add(rule);
  }

  /** Closes the bot's gateway connection with this code (4000 by default: discord.js resumes). */
  disconnectGateway(code = 4000): void {
    this.gateway.disconnect(code);
  }

  /** Sends op 7 RECONNECT, after which discord.js reconnects and resumes. */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }

  async close(): Promise<void> {
    this.waiter.clear();
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private changed(): void {
    this.waiter.notify();
  }
}

/** Starts a fake Discord on 127.0.0.1 with a free port. */
export function startFakeDiscord(options: FakeDiscordOptions): Promise<FakeDiscord> {
  return FakeDiscord.start(options);
}
