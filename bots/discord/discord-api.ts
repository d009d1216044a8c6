// The REST calls the bot makes, over discord.js's REST client: interaction answers and the
// interaction's own messages (webhook routes, authorised by the interaction token), channel
// messages (bot token), and the bulk command overwrite. Works without the gateway.
import {
  type APIEmbed,
  type APIInteractionResponse,
  type APIMessage,
  type APIMessageTopLevelComponent,
  REST,
  type RESTGetAPIApplicationCommandsResult,
  type RESTPutAPIApplicationCommandsJSONBody,
  Routes,
} from 'discord.js';

export interface OutgoingFile {
  name: string;
  data: Buffer;
  contentType: string;
}

/** A message as the bot sends it; `files` replace whatever the message had attached before. */
export interface OutgoingMessage {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIMessageTopLevelComponent[];
  /** 64 = ephemeral. */
  flags?: number;
  files?: OutgoingFile[];
}

export interface DiscordApiOptions {
  token?: string;
  /** e.g. https://discord.com/api (the version is appended). */
  apiBase: string;
}

function bodyOf(message: OutgoingMessage): { body: Record<string, unknown>; files?: OutgoingFile[] } {
  const { files, ...rest } = message;
  const body: Record<string, unknown> = { ...rest, allowed_mentions: { parse: [] } };
  // Naming the attachments keeps exactly these: an edit drops the previous preview.
  body.attachments = (files ?? []).map((f, i) => ({ id: String(i), filename: f.name }));
  return files && files.length > 0 ? { body, files } : { body };
}

export class DiscordApi {
  readonly rest: REST;

  constructor(options: DiscordApiOptions) {
    this.rest = new REST({ api: options.apiBase });
    if (options.token) this.rest.setToken(options.token);
  }

  /** The first answer to an interaction (within 3 s of it). */
  async respond(interactionId: string, token: string, response: APIInteractionResponse): Promise<void> {
    await this.rest.post(Routes.interactionCallback(interactionId, token), { body: response, auth: false });
  }

  async editOriginal(applicationId: string, token: string, message: OutgoingMessage): Promise<APIMessage> {
    const { body, files } = bodyOf(message);
    return (await this.rest.patch(Routes.webhookMessage(applicationId, token, '@original'), {
      body,
      files,
      auth: false,
    })) as APIMessage;
  }

  async deleteOriginal(applicationId: string, token: string): Promise<void> {
    await this.rest.delete(Routes.webhookMessage(applicationId, token, '@original'), { auth: false });
  }

  async followUp(applicationId: string, token: string, message: OutgoingMessage): Promise<APIMessage> {
    const { body, files } = bodyOf(message);
    return (await this.rest.post(Routes.webhook(applicationId, token), {
      body,
      files,
      auth: false,
    })) as APIMessage;
  }

  async createMessage(channelId: string, message: OutgoingMessage): Promise<APIMessage> {
    const { body, files } = bodyOf(message);
    return (await this.rest.post(Routes.channelMessages(channelId), { body, files })) as APIMessage;
  }

  async editMessage(channelId: string, messageId: string, message: OutgoingMessage): Promise<APIMessage> {
    const { body, files } = bodyOf(message);
    return (await this.rest.patch(Routes.channelMessage(channelId, messageId), {
      body,
      files,
    })) as APIMessage;
  }

  async deleteMessage(channelId: string, messageId: string): Promise<void> {
    await this.rest.delete(Routes.channelMessage(channelId, messageId));
  }

  async commands(applicationId: string, guildId?: string): Promise<RESTGetAPIApplicationCommandsResult> {
    const route = guildId
      ? Routes.applicationGuildCommands(applicationId, guildId)
      : Routes.applicationCommands(applicationId);
    return (await this.rest.get(route)) as RESTGetAPIApplicationCommandsResult;
  }

  /** One bulk overwrite of every command: never one call per command. */
  async overwriteCommands(
    applicationId: string,
    commands: RESTPutAPIApplicationCommandsJSONBody,
    guildId?: string,
  ): Promise<void> {
    const route = guildId
      ? Routes.applicationGuildCommands(applicationId, guildId)
      : Routes.applicationCommands(applicationId);
    await this.rest.put(route, { body: commands });
  }

  /** The application's id, from its token. */
  async applicationId(): Promise<string> {
    const app = (await this.rest.get(Routes.currentApplication())) as { id: string };
    return app.id;
  }
}
