// What Discord does with an interaction's answers: the one callback (within the deadline, once),
// then webhook edits and follow-ups by the interaction's token, for 15 minutes.

import type { Directory } from './directory.ts';
import {
  alreadyAcknowledged,
  invalidFormBody,
  unknownInteraction,
  unknownMessage,
  unknownWebhook,
} from './discord-error.ts';
import { type BuiltInteraction, InteractionType } from './interaction-builder.ts';
import { apiMessage, EPHEMERAL, LOADING, type MessageStore } from './message-store.ts';
import { validateModal } from './message-validation.ts';
import type { FakeInteraction, FakeMessage, UploadedFile } from './types.ts';

type Json = Record<string, unknown>;

export const Callback = {
  Pong: 1,
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredMessageUpdate: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
} as const;

export class Interactions {
  private readonly byId = new Map<string, FakeInteraction>();
  private readonly byToken = new Map<string, FakeInteraction>();
  /** Message ids each interaction's webhook created (original and follow-ups). */
  private readonly ownMessages = new Map<string, Set<string>>();

  constructor(
    private readonly directory: Directory,
    private readonly messages: MessageStore,
    private readonly applicationId: string,
    private readonly ackDeadlineMs: number | null,
  ) {}

  register(built: BuiltInteraction): FakeInteraction {
    const interaction: FakeInteraction = {
      id: built.id,
      token: built.token,
      type: built.type,
      payload: built.payload,
      dispatchedAt: Date.now(),
      callbackType: null,
      acknowledgedAt: null,
      originalMessageId: null,
      modal: null,
      channelId: built.channelId,
      guildId: built.guildId,
      userId: built.user.id,
      sourceMessageId: built.sourceMessageId,
    };
    this.byId.set(interaction.id, interaction);
    this.byToken.set(interaction.token, interaction);
    this.ownMessages.set(interaction.id, new Set());
    return interaction;
  }

  get(id: string): FakeInteraction | undefined {
    return this.byId.get(id);
  }

  all(): FakeInteraction[] {
    return [...this.byId.values()];
  }

  /** The interaction a callback URL names; the token must be the one it was sent with. */
  forCallback(id: string, token: string): FakeInteraction {
    const interaction = this.byId.get(id);
    if (!interaction || interaction.token !== token) throw unknownInteraction();
    return interaction;
  }

  /** The interaction a webhook URL names (application id and interaction token). */
  forWebhook(applicationId: string, token: string): FakeInteraction {
    const interaction = this.byToken.get(token);
    if (applicationId !== this.applicationId || !interaction) throw unknownWebhook();
    if (interaction.acknowledgedAt === null) throw unknownWebhook();
    return interaction;
  }

  /** POST /interactions/:id/:token/callback. Returns the callback response's `resource`. */
  callback(interaction: FakeInteraction, body: Json, files: UploadedFile[]): Json {
    if (interaction.acknowledgedAt !== null) throw alreadyAcknowledged();
    if (this.ackDeadlineMs !== null && Date.now() - interaction.dispatchedAt > this.ackDeadlineMs) {
      throw unknownInteraction();
    }
    const type = Number(body.type);
    const data = (body.data as Json | undefined) ?? {};
    const fromMessage = interaction.sourceMessageId !== null;
    const invalid = (why: string) => invalidFormBody('type', 'INTERACTION_CALLBACK_TYPE_INVALID', why);
    let message: FakeMessage | undefined;
    switch (type) {
      case Callback.Pong:
        if (interaction.type !== InteractionType.Ping) throw invalid('PONG answers only a PING');
        break;
      case Callback.ChannelMessageWithSource:
      case Callback.DeferredChannelMessageWithSource:
        message = this.createReply(interaction, type, data, files);
        interaction.originalMessageId = message.id;
        break;
      case Callback.DeferredMessageUpdate:
      case Callback.UpdateMessage:
        if (!fromMessage)
          throw invalid(`callback type ${type} is only valid for interactions from a message`);
        if (type === Callback.UpdateMessage) {
          message = this.messages.edit(interaction.sourceMessageId as string, data, files);
        }
        interaction.originalMessageId = interaction.sourceMessageId;
        break;
      case Callback.AutocompleteResult:
        if (interaction.type !== InteractionType.Autocomplete)
          throw invalid('autocomplete results answer autocomplete');
        break;
      case Callback.Modal:
        if (interaction.type === InteractionType.ModalSubmit)
          throw invalid('a modal cannot answer a modal submit');
        validateModal(data);
        interaction.modal = data;
        break;
      default:
        throw invalid(`unknown or unsupported callback type ${String(body.type)}`);
    }
    interaction.callbackType = type;
    interaction.acknowledgedAt = Date.now();
    return {
      interaction: {
        id: interaction.id,
        type: interaction.type,
        ...(message
          ? {
              response_message_id: message.id,
              response_message_loading: (message.flags & LOADING) !== 0,
              response_message_ephemeral: message.ephemeral,
            }
          : {}),
      },
      resource: {
        type,
        ...(message ? { message: apiMessage(message, this.applicationId) } : {}),
      },
    };
  }

  private createReply(
    interaction: FakeInteraction,
    type: number,
    data: Json,
    files: UploadedFile[],
  ): FakeMessage {
    const payloadData = interaction.payload.data as Json;
    const commandType =
      interaction.type === InteractionType.ApplicationCommand ? Number(payloadData.type) : 0;
    const deferred = type === Callback.DeferredChannelMessageWithSource;
    const body = deferred ? { flags: Number(data.flags ?? 0) & EPHEMERAL } : data;
    return this.messages.create({
      channelId: interaction.channelId as string,
      guildId: interaction.guildId,
      author: this.directory.botUser,
      body,
      files: deferred ? [] : files,
      type: commandType === 1 ? 20 : commandType === 3 || commandType === 2 ? 23 : 0,
      webhookId: this.applicationId,
      interaction: {
        id: interaction.id,
        type: interaction.type,
        user: this.directory.users.get(interaction.userId) ?? this.directory.botUser,
        ...(typeof payloadData.name === 'string' ? { name: payloadData.name } : {}),
      },
      systemFlags: deferred ? LOADING : 0,
      allowEmpty: deferred,
    });
  }

  /** The message `@original` or an id names for this interaction's webhook. */
  webhookMessage(interaction: FakeInteraction, messageId: string): FakeMessage {
    if (messageId === '@original') {
      if (!interaction.originalMessageId) throw unknownMessage();
      return this.messages.get(interaction.originalMessageId);
    }
    const own = this.ownMessages.get(interaction.id);
    if (!own?.has(messageId) && interaction.originalMessageId !== messageId) throw unknownMessage();
    return this.messages.get(messageId);
  }

  /**
   * POST /webhooks/:app/:token: a follow-up. As on Discord, the first follow-up to a deferred
   * reply that is still "thinking" replaces that loading message instead of adding one.
   */
  followUp(interaction: FakeInteraction, body: Json, files: UploadedFile[]): FakeMessage {
    if (interaction.originalMessageId) {
      const original = this.messages.find(interaction.originalMessageId);
      if (original && !original.deleted && original.flags & LOADING) {
        return this.messages.edit(original.id, body, files);
      }
    }
    const message = this.messages.create({
      channelId: interaction.channelId as string,
      guildId: interaction.guildId,
      author: this.directory.botUser,
      body,
      files,
      type: 0,
      webhookId: this.applicationId,
      interaction: {
        id: interaction.id,
        type: interaction.type,
        user: this.directory.users.get(interaction.userId) ?? this.directory.botUser,
      },
    });
    this.ownMessages.get(interaction.id)?.add(message.id);
    return message;
  }

  /**
   * In endpoint mode the callback is the HTTP response, which the bot may follow with webhook
   * calls before the fake has read it; such calls wait for the response to be applied.
   */
  private readonly pendingResponses = new Map<string, Promise<void>>();

  expectEndpointResponse(token: string, applied: Promise<void>): void {
    this.pendingResponses.set(token, applied);
    void applied.finally(() => this.pendingResponses.delete(token));
  }

  /** Resolves once a pending endpoint response for this token has been applied (at once if none). */
  async responseApplied(token: string): Promise<void> {
    await this.pendingResponses.get(token)?.catch(() => undefined);
  }

  /** Whether a request URL's token belongs to an interaction (to tag recorded requests). */
  idForToken(token: string): string | undefined {
    return this.byToken.get(token)?.id;
  }
}
