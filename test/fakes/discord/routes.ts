// The REST routes (after /api/v10) a bot built on discord.js calls. `auth: true` routes need
// `Authorization: Bot <token>`; interaction and webhook routes are authorised by the token in
// the URL, and discord.js sends them without the header.
import type { AttachmentStore } from './attachment-store.ts';
import { type CommandStore, GLOBAL } from './command-store.ts';
import type { Directory } from './directory.ts';
import {
  DiscordError,
  invalidFormBody,
  unknownApplication,
  unknownChannel,
  unknownGuild,
  unknownMember,
} from './discord-error.ts';
import type { Interactions } from './interactions.ts';
import { apiMessage, type MessageStore } from './message-store.ts';
import { apiChannel, apiGuild, apiMember, apiRoles } from './payloads.ts';
import type { FakeUser, UploadedFile } from './types.ts';

type Json = Record<string, unknown>;

export interface RouteContext {
  directory: Directory;
  messages: MessageStore;
  attachments: AttachmentStore;
  commands: CommandStore;
  interactions: Interactions;
  applicationId: string;
  gatewayUrl: () => string;
  verifyKey: string;
}

export interface RouteRequest {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  files: UploadedFile[];
}

export interface RouteAnswer {
  status?: number;
  body?: unknown;
  /** Which interaction this request concerns, for `interactionResponses`. */
  interactionId?: string;
}

export interface Route {
  method: string;
  template: string;
  auth: boolean;
  handle: (ctx: RouteContext, req: RouteRequest) => RouteAnswer;
}

const route = (method: string, template: string, auth: boolean, handle: Route['handle']): Route => ({
  method,
  template,
  auth,
  handle,
});

function asObject(body: unknown): Json {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidFormBody('_root', 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
  }
  return body as Json;
}

function application(ctx: RouteContext, id: string): void {
  if (id !== ctx.applicationId) throw unknownApplication();
}

function guildChannel(ctx: RouteContext, id: string) {
  const channel = ctx.directory.channels.get(id);
  if (!channel) throw unknownChannel();
  return channel;
}

function applicationObject(ctx: RouteContext, bot: FakeUser): Json {
  return {
    id: ctx.applicationId,
    name: bot.username,
    icon: null,
    description: '',
    summary: '',
    type: null,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: ctx.verifyKey,
    flags: 0,
    owner: {
      id: '1000000000000000001',
      username: 'owner',
      global_name: null,
      discriminator: '0',
      avatar: null,
      public_flags: 0,
    },
    team: null,
    bot,
    approximate_guild_count: ctx.directory.guilds.size,
    interactions_endpoint_url: null,
    install_params: { scopes: ['bot', 'applications.commands'], permissions: '0' },
    integration_types_config: { '0': {} },
    tags: [],
  };
}

const gatewayBot = (ctx: RouteContext) => ({
  body: {
    url: ctx.gatewayUrl(),
    shards: 1,
    session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
  },
});

export const routes: Route[] = [
  route('GET', '/gateway', false, (ctx) => ({ body: { url: ctx.gatewayUrl() } })),
  route('GET', '/gateway/bot', true, gatewayBot),
  route('GET', '/users/@me', true, (ctx) => ({ body: ctx.directory.botUser })),
  route('GET', '/users/:user', true, (ctx, req) => {
    const user = ctx.directory.users.get(req.params.user);
    if (!user) throw new DiscordError(404, 10013, 'Unknown User');
    return { body: user };
  }),
  route('GET', '/applications/@me', true, (ctx) => ({ body: applicationObject(ctx, ctx.directory.botUser) })),

  // Application commands: bulk overwrite and listing, global and per guild.
  route('GET', '/applications/:app/commands', true, (ctx, req) => {
    application(ctx, req.params.app);
    return { body: ctx.commands.list(GLOBAL) };
  }),
  route('PUT', '/applications/:app/commands', true, (ctx, req) => {
    application(ctx, req.params.app);
    return { body: ctx.commands.overwrite(GLOBAL, req.body) };
  }),
  route('GET', '/applications/:app/guilds/:guild/commands', true, (ctx, req) => {
    application(ctx, req.params.app);
    if (!ctx.directory.guilds.has(req.params.guild)) throw unknownGuild();
    return { body: ctx.commands.list(req.params.guild) };
  }),
  route('PUT', '/applications/:app/guilds/:guild/commands', true, (ctx, req) => {
    application(ctx, req.params.app);
    if (!ctx.directory.guilds.has(req.params.guild)) throw unknownGuild();
    return { body: ctx.commands.overwrite(req.params.guild, req.body) };
  }),

  // Interaction callback: the one answer to an interaction.
  route('POST', '/interactions/:interaction/:token/callback', false, (ctx, req) => {
    const interaction = ctx.interactions.forCallback(req.params.interaction, req.params.token);
    const response = ctx.interactions.callback(interaction, asObject(req.body), req.files);
    const withResponse = req.query.with_response === 'true';
    return {
      status: withResponse ? 200 : 204,
      body: withResponse ? response : undefined,
      interactionId: interaction.id,
    };
  }),

  // Interaction webhooks: edit, fetch and delete the original and follow-ups; send follow-ups.
  route('POST', '/webhooks/:app/:token', false, (ctx, req) => {
    const interaction = ctx.interactions.forWebhook(req.params.app, req.params.token);
    const message = ctx.interactions.followUp(interaction, asObject(req.body), req.files);
    // For interaction follow-ups `wait` is always true: the message comes back.
    return { body: apiMessage(message, ctx.applicationId), interactionId: interaction.id };
  }),
  route('GET', '/webhooks/:app/:token/messages/:message', false, (ctx, req) => {
    const interaction = ctx.interactions.forWebhook(req.params.app, req.params.token);
    const message = ctx.interactions.webhookMessage(interaction, req.params.message);
    return { body: apiMessage(message, ctx.applicationId), interactionId: interaction.id };
  }),
  route('PATCH', '/webhooks/:app/:token/messages/:message', false, (ctx, req) => {
    const interaction = ctx.interactions.forWebhook(req.params.app, req.params.token);
    const message = ctx.interactions.webhookMessage(interaction, req.params.message);
    const edited = ctx.messages.edit(message.id, asObject(req.body), req.files);
    return { body: apiMessage(edited, ctx.applicationId), interactionId: interaction.id };
  }),
  route('DELETE', '/webhooks/:app/:token/messages/:message', false, (ctx, req) => {
    const interaction = ctx.interactions.forWebhook(req.params.app, req.params.token);
    const message = ctx.interactions.webhookMessage(interaction, req.params.message);
    ctx.messages.delete(message.id);
    return { status: 204, interactionId: interaction.id };
  }),

  // Channels and their messages, with the bot's token.
  route('GET', '/channels/:channel', true, (ctx, req) => ({
    body: apiChannel(guildChannel(ctx, req.params.channel)),
  })),
  route('POST', '/channels/:channel/typing', true, (ctx, req) => {
    guildChannel(ctx, req.params.channel);
    return { status: 204 };
  }),
  route('GET', '/channels/:channel/messages', true, (ctx, req) => {
    guildChannel(ctx, req.params.channel);
    const limit = Math.min(Number(req.query.limit ?? 50), 100);
    const list = ctx.messages.list(req.params.channel).filter((m) => !m.ephemeral);
    return {
      body: list
        .reverse()
        .slice(0, limit)
        .map((m) => apiMessage(m, ctx.applicationId)),
    };
  }),
  route('POST', '/channels/:channel/messages', true, (ctx, req) => {
    const channel = guildChannel(ctx, req.params.channel);
    const body = asObject(req.body);
    const message = ctx.messages.create({
      channelId: channel.id,
      guildId: channel.guildId,
      author: ctx.directory.botUser,
      body: { ...body, flags: Number(body.flags ?? 0) & ~64 },
      files: req.files,
      type: body.message_reference ? 19 : 0,
    });
    return { body: apiMessage(message, ctx.applicationId) };
  }),
  route('GET', '/channels/:channel/messages/:message', true, (ctx, req) => {
    const message = channelMessage(ctx, req.params.channel, req.params.message);
    return { body: apiMessage(message, ctx.applicationId) };
  }),
  route('PATCH', '/channels/:channel/messages/:message', true, (ctx, req) => {
    const message = channelMessage(ctx, req.params.channel, req.params.message);
    if (message.author.id !== ctx.directory.botUser.id) {
      throw new DiscordError(403, 50005, 'Cannot edit a message authored by another user');
    }
    const edited = ctx.messages.edit(message.id, asObject(req.body), req.files);
    return { body: apiMessage(edited, ctx.applicationId) };
  }),
  route('DELETE', '/channels/:channel/messages/:message', true, (ctx, req) => {
    const message = channelMessage(ctx, req.params.channel, req.params.message);
    ctx.messages.delete(message.id);
    return { status: 204 };
  }),

  // Guilds.
  route('GET', '/guilds/:guild', true, (ctx, req) => {
    const guild = ctx.directory.guilds.get(req.params.guild);
    if (!guild) throw unknownGuild();
    return { body: apiGuild(guild) };
  }),
  route('GET', '/guilds/:guild/channels', true, (ctx, req) => {
    if (!ctx.directory.guilds.has(req.params.guild)) throw unknownGuild();
    const channels = [...ctx.directory.channels.values()].filter((c) => c.guildId === req.params.guild);
    return { body: channels.map(apiChannel) };
  }),
  route('GET', '/guilds/:guild/roles', true, (ctx, req) => {
    const guild = ctx.directory.guilds.get(req.params.guild);
    if (!guild) throw unknownGuild();
    return { body: apiRoles(guild) };
  }),
  route('GET', '/guilds/:guild/members/:user', true, (ctx, req) => {
    const guild = ctx.directory.guilds.get(req.params.guild);
    if (!guild) throw unknownGuild();
    const user = ctx.directory.users.get(req.params.user);
    const roles = ctx.directory.members.get(guild.id)?.get(req.params.user);
    if (user?.id === ctx.directory.botUser.id) return { body: apiMember(user, [], guild.joinedAt) };
    if (!user || !roles) throw unknownMember();
    return { body: apiMember(user, roles, guild.joinedAt) };
  }),
];

function channelMessage(ctx: RouteContext, channelId: string, messageId: string) {
  guildChannel(ctx, channelId);
  const message = ctx.messages.get(messageId);
  if (message.channelId !== channelId || message.ephemeral)
    throw new DiscordError(404, 10008, 'Unknown Message');
  return message;
}

/** Finds the route for a method and path; params are decoded path segments. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | null {
  const segments = path.split('/').filter(Boolean);
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const parts = candidate.template.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (const [i, part] of parts.entries()) {
      const segment = decodeURIComponent(segments[i]);
      if (part.startsWith(':')) params[part.slice(1)] = segment;
      else if (part !== segment) {
        ok = false;
        break;
      }
    }
    if (ok) return { route: candidate, params };
  }
  return null;
}
