// Answers one interaction: the first answer goes through `acknowledge` (a REST callback in gateway
// mode, the HTTP response in interactions mode); later ones use the interaction's webhook. Errors
// are told ephemerally whatever was answered before.
import {
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessage,
  type APIModalInteractionResponseCallbackData,
  InteractionResponseType,
  MessageFlags,
} from 'discord.js';
import type { DiscordApi, OutgoingMessage } from '../discord-api.ts';

export type Acknowledge = (response: APIInteractionResponse) => Promise<void>;

type State = 'none' | 'deferred' | 'updating' | 'answered';

export class InteractionReply {
  private state: State = 'none';

  constructor(
    readonly interaction: APIInteraction,
    private readonly api: DiscordApi,
    private readonly acknowledge: Acknowledge,
  ) {}

  get applicationId(): string {
    return this.interaction.application_id;
  }

  get token(): string {
    return this.interaction.token;
  }

  get acknowledged(): boolean {
    return this.state !== 'none';
  }

  private async ack(response: APIInteractionResponse, next: State): Promise<void> {
    if (this.state !== 'none') throw new Error(`interaction ${this.interaction.id} was answered already`);
    this.state = next;
    await this.acknowledge(response);
  }

  /** "Thinking…": the message that follows is public and becomes the job's message. */
  async defer(): Promise<void> {
    if (this.state === 'none')
      await this.ack({ type: InteractionResponseType.DeferredChannelMessageWithSource }, 'deferred');
  }

  /** A button press acknowledged without a new message. */
  async deferUpdate(): Promise<void> {
    await this.ack({ type: InteractionResponseType.DeferredMessageUpdate }, 'updating');
  }

  async modal(data: APIModalInteractionResponseCallbackData): Promise<void> {
    await this.ack({ type: InteractionResponseType.Modal, data }, 'answered');
  }

  /** A message only the user sees. */
  async tell(text: string): Promise<void> {
    const content = text.length > 1900 ? `${text.slice(0, 1899)}…` : text;
    const data = { content, flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } };
    if (this.state === 'none') {
      await this.ack({ type: InteractionResponseType.ChannelMessageWithSource, data }, 'answered');
      return;
    }
    if (this.state === 'deferred') {
      // The public "thinking" message would stay behind otherwise; the error is the user's business.
      await this.api.deleteOriginal(this.applicationId, this.token).catch(() => undefined);
      this.state = 'answered';
    }
    await this.api.followUp(this.applicationId, this.token, { content, flags: MessageFlags.Ephemeral });
  }

  async editOriginal(message: OutgoingMessage): Promise<APIMessage> {
    return this.api.editOriginal(this.applicationId, this.token, message);
  }
}
