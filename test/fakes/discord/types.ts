import type { APIEmbed, APIMessageTopLevelComponent } from 'discord.js';

/** A Discord user as the fake serves it (API shape). */
export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
  public_flags: number;
}

/** Who performs an interaction or writes a message; everything but the id has a default. */
export interface UserInput {
  id: string;
  username?: string;
  globalName?: string;
  bot?: boolean;
}

export interface FakeChannelConfig {
  id: string;
  name?: string;
  /** Discord channel type: 0 text (default), 2 voice, 5 announcement, 11 public thread... */
  type?: number;
  /** Age-restricted channel. */
  nsfw?: boolean;
  parentId?: string | null;
}

export interface FakeRoleConfig {
  id: string;
  name?: string;
  /** Permission bits (bigint or decimal string). */
  permissions?: bigint | string;
  position?: number;
}

export interface FakeGuildConfig {
  id: string;
  name?: string;
  /** Defaults to a user id of nobody in particular. The owner has every permission. */
  ownerId?: string;
  channels?: FakeChannelConfig[];
  /** Roles besides @everyone (whose id is the guild id). */
  roles?: FakeRoleConfig[];
  /** Permissions of @everyone; defaults to Discord's default set (view, send, attach, ...). */
  everyonePermissions?: bigint | string;
}

export interface FakeDiscordOptions {
  /** The bot token; REST calls must carry `Authorization: Bot <token>`, IDENTIFY must carry it. */
  token: string;
  applicationId: string;
  /** The bot user's id; defaults to the application id (as for bots created in the portal). */
  botUserId?: string;
  botUsername?: string;
  guilds?: FakeGuildConfig[];
  /** Sent in HELLO; default 41250 ms like Discord. */
  heartbeatIntervalMs?: number;
  /**
   * How long after dispatch an interaction may still be acknowledged (Discord: 3 s); a later
   * callback gets 404 "Unknown interaction" (10062). `null` turns the deadline off.
   */
  interactionAckDeadlineMs?: number | null;
}

/** A file that came in a multipart request (`files[n]`). */
export interface UploadedFile {
  /** Form field name, e.g. `files[0]`. */
  field: string;
  /** n of `files[n]`, or null for another field name. */
  index: number | null;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** One REST request the bot made, as the fake received and answered it. */
export interface RecordedRequest {
  /** Order of arrival, from 1. */
  seq: number;
  method: string;
  /** Path after `/api/v10`, e.g. `/webhooks/123/abc/messages/@original`. */
  path: string;
  /** The matched route template, e.g. `/webhooks/:app/:token/messages/:message`; null when none matched. */
  route: string | null;
  params: Record<string, string>;
  query: Record<string, string>;
  authorization: string | null;
  contentType: string | null;
  /** Parsed JSON body, or the parsed `payload_json` of a multipart body (plus other text fields). */
  body: unknown;
  files: UploadedFile[];
  status: number;
  response: unknown;
  /** Date.now() when the request arrived. */
  receivedAt: number;
  /** Set for interaction callback and interaction webhook requests. */
  interactionId?: string;
  /**
   * True for a callback that came as the HTTP response of the bot's interactions endpoint
   * (see `deliverInteractionsTo`); `status` is then the endpoint's HTTP status when it was not
   * 200, else Discord's verdict on the callback.
   */
  viaEndpoint?: boolean;
}

/** An attachment as stored by the fake: the API object plus its bytes. */
export interface FakeAttachment {
  id: string;
  filename: string;
  title?: string;
  description?: string;
  content_type: string;
  size: number;
  url: string;
  proxy_url: string;
  width?: number;
  height?: number;
  ephemeral?: boolean;
  duration_secs?: number;
  waveform?: string;
  flags?: number;
  bytes: Buffer;
}

/** What a message looked like at one point of its life (after creation or an edit). */
export interface MessageRevision {
  at: number;
  content: string;
  embeds: APIEmbed[];
  components: APIMessageTopLevelComponent[];
  attachments: FakeAttachment[];
  flags: number;
}

/** A message in a channel, with all edits applied. */
export interface FakeMessage {
  id: string;
  channelId: string;
  guildId: string | null;
  author: FakeUser;
  content: string;
  embeds: APIEmbed[];
  components: APIMessageTopLevelComponent[];
  attachments: FakeAttachment[];
  /** Message flags: 64 ephemeral, 128 loading (a deferred reply not yet edited), 4 suppress embeds. */
  flags: number;
  /** Discord message type: 0 default, 20 chat-input command reply, 23 context-menu command reply. */
  type: number;
  webhookId: string | null;
  /** The interaction this message answers, if any. */
  interaction: { id: string; type: number; name?: string; user: FakeUser } | null;
  /** `flags & 64`. */
  ephemeral: boolean;
  createdAt: number;
  editedAt: number | null;
  deleted: boolean;
  /** Every state the message had, first the creation; the last equals the current state. */
  revisions: MessageRevision[];
}

/** An interaction the fake dispatched, and what the bot did with it. */
export interface FakeInteraction {
  id: string;
  token: string;
  /** 2 application command, 3 message component, 5 modal submit. */
  type: number;
  payload: Record<string, unknown>;
  dispatchedAt: number;
  /** The callback type the bot answered with (1,4,5,6,7,9...), once it did. */
  callbackType: number | null;
  acknowledgedAt: number | null;
  /** The message `@original` refers to: the reply, or for components the message they are on. */
  originalMessageId: string | null;
  /** The modal the bot showed (callback type 9), in API shape. */
  modal: Record<string, unknown> | null;
  channelId: string | null;
  guildId: string | null;
  userId: string;
  /** For message components and modals from a message: the message it came from. */
  sourceMessageId: string | null;
}
