// Messages with Discord's create and edit semantics: an edit changes only the fields it names;
// `attachments` (when given) lists every attachment the message keeps, old ones by id and new
// uploads by the n of `files[n]`; without it, old attachments stay and new uploads are appended.
import type { APIEmbed, APIMessageTopLevelComponent } from 'discord.js';
import { type AttachmentStore, apiAttachment } from './attachment-store.ts';
import { DiscordError, invalidFormBody, unknownMessage } from './discord-error.ts';
import { validateMessage } from './message-validation.ts';
import { nextSnowflake } from './snowflake.ts';
import type { FakeAttachment, FakeMessage, FakeUser, UploadedFile } from './types.ts';

type Json = Record<string, unknown>;

export const EPHEMERAL = 64;
export const LOADING = 128;
const SUPPRESS_EMBEDS = 4;
const SETTABLE_FLAGS = EPHEMERAL | SUPPRESS_EMBEDS | 4096 | (1 << 15);
/** What a bot may upload per message without boosts (10 MiB). */
const UPLOAD_LIMIT = 10 * 1024 * 1024;

export interface NewMessage {
  channelId: string;
  guildId: string | null;
  author: FakeUser;
  body: Json;
  files: UploadedFile[];
  type?: number;
  webhookId?: string | null;
  interaction?: FakeMessage['interaction'];
  /** Extra flags Discord sets itself (LOADING for a deferred reply). */
  systemFlags?: number;
  /** A deferred reply exists before it has any content. */
  allowEmpty?: boolean;
  /** Ready-made attachments (a test's user message). */
  attachments?: FakeAttachment[];
}

export class MessageStore {
  private readonly byId = new Map<string, FakeMessage>();

  constructor(private readonly attachments: AttachmentStore) {}

  get(id: string): FakeMessage {
    const message = this.byId.get(id);
    if (!message || message.deleted) throw unknownMessage();
    return message;
  }

  find(id: string): FakeMessage | undefined {
    return this.byId.get(id);
  }

  /** Current messages of a channel, oldest first; deleted ones are left out. */
  list(channelId: string): FakeMessage[] {
    return [...this.byId.values()].filter((m) => m.channelId === channelId && !m.deleted);
  }

  all(): FakeMessage[] {
    return [...this.byId.values()];
  }

  create(input: NewMessage): FakeMessage {
    const flags = (numberOr(input.body.flags, 0) & SETTABLE_FLAGS) | (input.systemFlags ?? 0);
    const uploaded = this.upload(input.files, asArray(input.body.attachments), input.channelId, []);
    const attachments = [...(input.attachments ?? []), ...uploaded];
    const state = {
      content: typeof input.body.content === 'string' ? input.body.content : '',
      embeds: resolveEmbeds(asArray(input.body.embeds), attachments),
      components: asArray(input.body.components) as unknown as APIMessageTopLevelComponent[],
      attachments,
      flags,
    };
    validateMessage({
      ...state,
      embeds: state.embeds as Json[],
      components: state.components as unknown as Json[],
      attachmentCount: attachments.length,
      allowEmpty: input.allowEmpty ?? false,
    });
    const now = Date.now();
    const message: FakeMessage = {
      id: nextSnowflake(),
      channelId: input.channelId,
      guildId: input.guildId,
      author: input.author,
      ...state,
      type: input.type ?? 0,
      webhookId: input.webhookId ?? null,
      interaction: input.interaction ?? null,
      ephemeral: (flags & EPHEMERAL) !== 0,
      createdAt: now,
      editedAt: null,
      deleted: false,
      revisions: [{ at: now, ...state }],
    };
    this.byId.set(message.id, message);
    return message;
  }

  edit(id: string, body: Json, files: UploadedFile[]): FakeMessage {
    const message = this.get(id);
    let attachments: FakeAttachment[];
    if (Array.isArray(body.attachments)) {
      const listed = body.attachments as Json[];
      const keep = new Set(listed.map((a) => String(a.id)));
      const kept = message.attachments.filter((a) => keep.has(a.id));
      attachments = [...kept, ...this.upload(files, listed, message.channelId, message.attachments)];
    } else {
      attachments = [
        ...message.attachments,
        ...this.upload(files, [], message.channelId, message.attachments),
      ];
    }
    const content =
      'content' in body ? (typeof body.content === 'string' ? body.content : '') : message.content;
    const embeds =
      'embeds' in body
        ? resolveEmbeds(asArray(body.embeds), attachments)
        : resolveEmbeds(message.embeds, attachments);
    const components =
      'components' in body
        ? (asArray(body.components) as unknown as APIMessageTopLevelComponent[])
        : message.components;
    // An edit ends the "thinking" state of a deferred reply; only some flags can be changed.
    let flags = message.flags & ~LOADING;
    if ('flags' in body && typeof body.flags === 'number') {
      flags = (flags & ~SUPPRESS_EMBEDS) | (body.flags & SUPPRESS_EMBEDS);
    }
    validateMessage({
      content,
      embeds: embeds as Json[],
      components: components as unknown as Json[],
      attachmentCount: attachments.length,
      flags,
      allowEmpty: false,
    });
    const now = Date.now();
    Object.assign(message, { content, embeds, components, attachments, flags, editedAt: now });
    message.revisions.push({ at: now, content, embeds, components, attachments, flags });
    return message;
  }

  delete(id: string): void {
    this.get(id).deleted = true;
  }

  /** New uploads become attachments; metadata (description, title) comes from the matching entry. */
  private upload(
    files: UploadedFile[],
    listed: Json[],
    bucket: string,
    existing: FakeAttachment[],
  ): FakeAttachment[] {
    const total = files.reduce((sum, f) => sum + f.bytes.length, 0);
    if (total > UPLOAD_LIMIT) throw new DiscordError(413, 40005, 'Request entity too large');
    const existingIds = new Set(existing.map((a) => a.id));
    for (const entry of listed) {
      const id = String(entry.id);
      const isUpload = files.some((f) => String(f.index) === id);
      if (!isUpload && !existingIds.has(id)) {
        throw invalidFormBody(
          'attachments',
          'ATTACHMENT_NOT_FOUND',
          `Attachment ${id} is neither uploaded nor on the message`,
        );
      }
    }
    return files.map((file) => {
      const entry = listed.find((a) => String(a.id) === String(file.index));
      const details: Json = {};
      for (const key of ['description', 'title', 'duration_secs', 'waveform']) {
        if (entry && entry[key] !== undefined) details[key] = entry[key];
      }
      const filename = typeof entry?.filename === 'string' ? entry.filename : file.filename;
      return this.attachments.add(file.bytes, filename, file.contentType, bucket, details);
    });
  }
}

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/** Discord marks embeds "rich" and turns `attachment://name` images into the attachment's URL. */
function resolveEmbeds(embeds: Json[] | APIEmbed[], attachments: FakeAttachment[]): APIEmbed[] {
  return (embeds as Json[]).map((embed) => {
    const out: Json = { type: 'rich', ...embed };
    for (const key of ['image', 'thumbnail'] as const) {
      const media = embed[key] as Json | undefined;
      const url = typeof media?.url === 'string' ? media.url : undefined;
      if (!url?.startsWith('attachment://')) continue;
      const file = attachments.find((a) => a.filename === url.slice('attachment://'.length));
      if (!file) continue;
      out[key] = {
        ...media,
        url: file.url,
        proxy_url: file.proxy_url,
        width: file.width,
        height: file.height,
        content_type: file.content_type,
      };
    }
    return out as APIEmbed;
  });
}

/** The message object of REST answers and interaction payloads. */
export function apiMessage(message: FakeMessage, applicationId: string): Json {
  const interaction = message.interaction;
  return {
    id: message.id,
    type: message.type,
    channel_id: message.channelId,
    author: message.author,
    content: message.content,
    timestamp: new Date(message.createdAt).toISOString(),
    edited_timestamp: message.editedAt === null ? null : new Date(message.editedAt).toISOString(),
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: message.attachments.map(apiAttachment),
    embeds: message.embeds,
    components: message.components,
    pinned: false,
    flags: message.flags,
    ...(message.webhookId ? { webhook_id: message.webhookId, application_id: applicationId } : {}),
    ...(interaction
      ? {
          interaction_metadata: {
            id: interaction.id,
            type: interaction.type,
            user: interaction.user,
            authorizing_integration_owners: {},
            ...(interaction.name ? { name: interaction.name } : {}),
          },
        }
      : {}),
  };
}
