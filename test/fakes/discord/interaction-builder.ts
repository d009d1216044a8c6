// Realistic INTERACTION_CREATE payloads: who (user or member with roles and permissions), where
// (guild and channel, nsfw flag included), and the data of a command, button, modal or
// context-menu use, shaped as Discord sends them in API v10.
import { randomBytes } from 'node:crypto';
import type { AttachmentStore } from './attachment-store.ts';
import { buildOptions, type OptionValue } from './command-options.ts';
import { type CommandStore, GLOBAL } from './command-store.ts';
import type { Directory } from './directory.ts';
import { apiMessage, type MessageStore } from './message-store.ts';
import { apiChannel, apiMember } from './payloads.ts';
import { nextSnowflake } from './snowflake.ts';
import type { FakeMessage, FakeUser, UserInput } from './types.ts';

type Json = Record<string, unknown>;

export const InteractionType = {
  Ping: 1,
  ApplicationCommand: 2,
  MessageComponent: 3,
  Autocomplete: 4,
  ModalSubmit: 5,
} as const;

export const DEFAULT_USER: UserInput = { id: '200000000000000001', username: 'painter' };

/** Where and by whom an interaction happens. Defaults: the first guild, its first text channel. */
export interface Actor {
  user?: UserInput;
  /** A guild id, or null for a DM with the bot. */
  guildId?: string | null;
  channelId?: string;
  /** Role ids the member has (must exist in the guild). */
  roles?: string[];
  /** Overrides the member's permission bits (else computed from @everyone and the roles). */
  permissions?: bigint | string;
  locale?: string;
}

export interface BuilderContext {
  directory: Directory;
  attachments: AttachmentStore;
  commands: CommandStore;
  messages: MessageStore;
  applicationId: string;
}

export interface BuiltInteraction {
  id: string;
  token: string;
  type: number;
  payload: Json;
  user: FakeUser;
  guildId: string | null;
  channelId: string;
  sourceMessageId: string | null;
}

function firstGuildId(context: BuilderContext): string | null {
  const first = context.directory.guilds.keys().next();
  return first.done ? null : first.value;
}

/** The common envelope of every interaction. */
export function envelope(
  context: BuilderContext,
  type: number,
  actor: Actor,
  fixed?: { channelId: string; guildId: string | null },
) {
  const { directory } = context;
  const guildId = fixed ? fixed.guildId : actor.guildId === undefined ? firstGuildId(context) : actor.guildId;
  const user = directory.user(actor.user ?? DEFAULT_USER);
  let channelId = fixed?.channelId ?? actor.channelId;
  if (!channelId) {
    if (guildId) channelId = directory.defaultChannel(guildId).id;
    else {
      channelId = `${BigInt(user.id) + 7n}`;
      if (!directory.channels.has(channelId)) directory.addChannel(null, { id: channelId });
    }
  }
  const channel = directory.channel(channelId);
  if (channel.guildId !== guildId) {
    throw new Error(`fake Discord: channel ${channelId} is not in ${guildId ? `guild ${guildId}` : 'a DM'}`);
  }
  const id = nextSnowflake();
  const token = `aW50ZXJhY3Rpb246${id}:${randomBytes(48).toString('base64url')}`;
  const payload: Json = {
    id,
    application_id: context.applicationId,
    type,
    token,
    version: 1,
    channel_id: channelId,
    locale: actor.locale ?? 'en-US',
    entitlements: [],
    attachment_size_limit: 10 * 1024 * 1024,
  };
  if (guildId) {
    const guild = directory.guild(guildId);
    const roles = actor.roles ?? [];
    const permissions =
      actor.permissions === undefined
        ? directory.permissions(guildId, user.id, roles)
        : BigInt(actor.permissions);
    directory.rememberMember(guildId, user.id, roles);
    Object.assign(payload, {
      guild_id: guildId,
      guild: { id: guildId, locale: 'en-US', features: [] },
      guild_locale: 'en-US',
      member: { ...apiMember(user, roles, guild.joinedAt), permissions: permissions.toString() },
      channel: { ...apiChannel(channel), permissions: permissions.toString() },
      app_permissions: directory.permissions(guildId, directory.botUser.id, []).toString(),
      authorizing_integration_owners: { '0': guildId },
      context: 0,
    });
  } else {
    Object.assign(payload, {
      user,
      channel: { ...apiChannel(channel), recipients: [user] },
      app_permissions: '1122573558992465',
      authorizing_integration_owners: { '0': '0' },
      context: 1,
    });
  }
  return { id, token, payload, user, guildId, channelId };
}

export interface SlashCommandInput extends Actor {
  name: string;
  subcommandGroup?: string;
  subcommand?: string;
  /** By option name. Raw API options (an array) are passed through unchecked. */
  options?: Record<string, OptionValue> | Json[];
  /** With raw options: their `resolved` section. */
  resolved?: Json;
  /** Send it even if the bot never registered this command (types are then inferred). */
  allowUnregistered?: boolean;
}

function findRegistered(
  context: BuilderContext,
  name: string,
  type: number,
  guildId: string | null,
  allow?: boolean,
) {
  const command = context.commands.find(name, type, guildId);
  if (!command && !allow) {
    const registered = [...context.commands.list(GLOBAL), ...(guildId ? context.commands.list(guildId) : [])]
      .filter((c) => c.type === type)
      .map((c) => c.name);
    throw new Error(
      `fake Discord: the bot has not registered ${type === 1 ? `/${name}` : `"${name}"`} ` +
        `(registered: ${registered.join(', ') || 'none'}); pass allowUnregistered to send it anyway`,
    );
  }
  return command;
}

export function slashCommandPayload(context: BuilderContext, input: SlashCommandInput): BuiltInteraction {
  const base = envelope(context, InteractionType.ApplicationCommand, input);
  const command = findRegistered(context, input.name, 1, base.guildId, input.allowUnregistered);
  let definitions = command?.options as Json[] | undefined;
  if (command && !definitions) definitions = [];
  const path: Array<{ name: string; type: number }> = [];
  for (const [name, type] of [
    [input.subcommandGroup, 2],
    [input.subcommand, 1],
  ] as const) {
    if (!name) continue;
    const found = definitions?.find((o) => o.name === name && o.type === type);
    if (definitions && !found)
      throw new Error(`fake Discord: /${input.name} has no ${type === 2 ? 'group' : 'subcommand'} "${name}"`);
    definitions = found ? ((found.options as Json[] | undefined) ?? []) : undefined;
    path.push({ name, type });
  }
  let options: Json[];
  let resolved: Json;
  if (Array.isArray(input.options)) {
    options = input.options;
    resolved = input.resolved ?? {};
  } else {
    ({ options, resolved } = buildOptions(input.name, definitions, input.options ?? {}, {
      directory: context.directory,
      attachments: context.attachments,
      applicationId: context.applicationId,
      guildId: base.guildId,
    }));
  }
  for (const level of path.reverse()) options = [{ name: level.name, type: level.type, options }];
  base.payload.data = {
    id: (command?.id as string | undefined) ?? nextSnowflake(),
    name: input.name,
    type: 1,
    ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
    ...(options.length ? { options } : {}),
    ...(Object.keys(resolved).length ? { resolved } : {}),
  };
  return { ...base, type: InteractionType.ApplicationCommand, sourceMessageId: null };
}

export interface MessageContextMenuInput extends Omit<Actor, 'guildId' | 'channelId'> {
  name: string;
  /** The message the command is used on (id of a message the fake holds, or the message). */
  targetMessage: string | FakeMessage;
  allowUnregistered?: boolean;
}

export function messageContextMenuPayload(
  context: BuilderContext,
  input: MessageContextMenuInput,
): BuiltInteraction {
  const target = context.messages.get(
    typeof input.targetMessage === 'string' ? input.targetMessage : input.targetMessage.id,
  );
  const base = envelope(context, InteractionType.ApplicationCommand, input, target);
  const command = findRegistered(context, input.name, 3, base.guildId, input.allowUnregistered);
  base.payload.data = {
    id: (command?.id as string | undefined) ?? nextSnowflake(),
    name: input.name,
    type: 3,
    target_id: target.id,
    resolved: { messages: { [target.id]: apiMessage(target, context.applicationId) } },
    ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
  };
  return { ...base, type: InteractionType.ApplicationCommand, sourceMessageId: null };
}

/** Depth-first search for a component with this custom id. */
export function findComponent(components: unknown[], customId: string): Json | undefined {
  for (const component of components as Json[]) {
    if (component.custom_id === customId) return component;
    for (const key of ['components', 'accessory', 'component']) {
      const inner = component[key];
      const list = Array.isArray(inner) ? inner : inner ? [inner] : [];
      const found = findComponent(list, customId);
      if (found) return found;
    }
  }
  return undefined;
}

function allCustomIds(components: unknown[]): string[] {
  const ids: string[] = [];
  const walk = (list: unknown[]) => {
    for (const c of list as Json[]) {
      if (typeof c.custom_id === 'string') ids.push(c.custom_id);
      for (const key of ['components', 'accessory', 'component']) {
        const inner = c[key];
        if (inner) walk(Array.isArray(inner) ? inner : [inner]);
      }
    }
  };
  walk(components);
  return ids;
}

export interface ComponentInput extends Omit<Actor, 'guildId' | 'channelId'> {
  /** The message carrying the component: its id, or the message. */
  message: string | FakeMessage;
  customId: string;
  /** For select menus: the chosen values. */
  values?: string[];
}

export function componentPayload(context: BuilderContext, input: ComponentInput): BuiltInteraction {
  const message = context.messages.get(typeof input.message === 'string' ? input.message : input.message.id);
  const component = findComponent(message.components, input.customId);
  if (!component) {
    throw new Error(
      `fake Discord: message ${message.id} has no component "${input.customId}" (it has: ${allCustomIds(message.components).join(', ') || 'none'})`,
    );
  }
  if (component.disabled)
    throw new Error(`fake Discord: component "${input.customId}" is disabled; nobody can use it`);
  const base = envelope(context, InteractionType.MessageComponent, input, message);
  base.payload.message = apiMessage(message, context.applicationId);
  base.payload.data = {
    custom_id: input.customId,
    component_type: component.type,
    ...(component.type === 2 ? {} : { values: input.values ?? [] }),
  };
  return { ...base, type: InteractionType.MessageComponent, sourceMessageId: message.id };
}

export interface ModalSubmitInput extends Actor {
  /** The modal's custom id (with `fields`), when not answering a modal the bot showed. */
  customId?: string;
  /** Text input values by custom id. With `fromInteraction`, unnamed inputs keep their prefilled value. */
  fields?: Record<string, string>;
  /** Raw submitted components, passed through unchecked. */
  components?: Json[];
  /** The message the modal was opened from, for modals opened by a button. */
  message?: string | FakeMessage;
}

/** The components a user submits for a modal: the same layout, each text input carrying its value. */
export function submittedComponents(modal: Json, fields: Record<string, string>): Json[] {
  const rows = (modal.components as Json[] | undefined) ?? [];
  const known = new Set<string>();
  const submitted = rows
    .filter((row) => row.type !== 10)
    .map((row, i) => {
      const inner = row.type === 1 ? ((row.components as Json[])[0] as Json) : (row.component as Json);
      const customId = String(inner.custom_id);
      known.add(customId);
      const value = fields[customId] ?? (typeof inner.value === 'string' ? inner.value : '');
      if (inner.required !== false && inner.type === 4 && value === '' && inner.min_length !== 0) {
        throw new Error(`fake Discord: modal field "${customId}" is required; give it a value`);
      }
      const field = {
        type: inner.type,
        id: i * 2 + 2,
        custom_id: customId,
        ...(inner.type === 4 ? { value } : { values: [value] }),
      };
      return row.type === 1
        ? { type: 1, id: i * 2 + 1, components: [field] }
        : { type: row.type, id: i * 2 + 1, component: field };
    });
  for (const name of Object.keys(fields)) {
    if (!known.has(name))
      throw new Error(`fake Discord: the modal has no field "${name}" (fields: ${[...known].join(', ')})`);
  }
  return submitted;
}

export function modalSubmitPayload(
  context: BuilderContext,
  input: ModalSubmitInput & { customId: string; components: Json[] },
  where?: { channelId: string; guildId: string | null },
): BuiltInteraction {
  const message = input.message
    ? context.messages.get(typeof input.message === 'string' ? input.message : input.message.id)
    : undefined;
  const base = envelope(context, InteractionType.ModalSubmit, input, where ?? message);
  if (message) base.payload.message = apiMessage(message, context.applicationId);
  base.payload.data = { custom_id: input.customId, components: input.components };
  return { ...base, type: InteractionType.ModalSubmit, sourceMessageId: message?.id ?? null };
}
