import type { FakeChannelConfig, FakeGuildConfig, FakeRoleConfig, FakeUser, UserInput } from './types.ts';

// Discord's default @everyone permissions: view channels, send messages, embed links, attach files,
// read history, use application commands, and the like.
export const DEFAULT_EVERYONE_PERMISSIONS = 2_248_473_465_835_073n;
export const ALL_PERMISSIONS = (1n << 51n) - 1n;
export const ADMINISTRATOR = 1n << 3n;

export interface Guild {
  id: string;
  name: string;
  ownerId: string;
  everyonePermissions: bigint;
  roles: Map<string, Role>;
  joinedAt: string;
}

export interface Role {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
}

export interface Channel {
  id: string;
  guildId: string | null;
  name: string;
  type: number;
  nsfw: boolean;
  parentId: string | null;
  position: number;
}

/** Guilds, channels, roles and users the fake knows; tests may change them at any time. */
export class Directory {
  readonly guilds = new Map<string, Guild>();
  readonly channels = new Map<string, Channel>();
  readonly users = new Map<string, FakeUser>();
  /** Role ids of the guild members seen so far, by guild id then user id. */
  readonly members = new Map<string, Map<string, string[]>>();

  constructor(readonly botUser: FakeUser) {
    this.users.set(botUser.id, botUser);
  }

  addGuild(config: FakeGuildConfig): Guild {
    const guild: Guild = {
      id: config.id,
      name: config.name ?? `Guild ${config.id}`,
      ownerId: config.ownerId ?? '1000000000000000001',
      everyonePermissions: BigInt(config.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS),
      roles: new Map(),
      joinedAt: new Date().toISOString(),
    };
    this.guilds.set(guild.id, guild);
    for (const [i, role] of (config.roles ?? []).entries()) this.addRole(guild.id, role, i + 1);
    const channels = config.channels ?? [{ id: `${BigInt(config.id) + 1n}`, name: 'general' }];
    for (const channel of channels) this.addChannel(guild.id, channel);
    return guild;
  }

  addRole(guildId: string, config: FakeRoleConfig, position = 1): Role {
    const guild = this.guild(guildId);
    const role: Role = {
      id: config.id,
      name: config.name ?? `role-${config.id}`,
      permissions: BigInt(config.permissions ?? 0n),
      position: config.position ?? position,
    };
    guild.roles.set(role.id, role);
    return role;
  }

  /** Adds or replaces a channel (e.g. to flip `nsfw` between tests). guildId null: a DM channel. */
  addChannel(guildId: string | null, config: FakeChannelConfig): Channel {
    if (guildId !== null) this.guild(guildId);
    const channel: Channel = {
      id: config.id,
      guildId,
      name: config.name ?? `channel-${config.id}`,
      type: config.type ?? (guildId === null ? 1 : 0),
      nsfw: config.nsfw ?? false,
      parentId: config.parentId ?? null,
      position: [...this.channels.values()].filter((c) => c.guildId === guildId).length,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  guild(id: string): Guild {
    const guild = this.guilds.get(id);
    if (!guild) {
      throw new Error(
        `fake Discord: no guild ${id}; configured: ${[...this.guilds.keys()].join(', ') || 'none'}`,
      );
    }
    return guild;
  }

  channel(id: string): Channel {
    const channel = this.channels.get(id);
    if (!channel) {
      throw new Error(
        `fake Discord: no channel ${id}; known: ${[...this.channels.keys()].join(', ') || 'none'}`,
      );
    }
    return channel;
  }

  /** The first text channel of a guild: where interactions happen when no channel is named. */
  defaultChannel(guildId: string): Channel {
    const channel = [...this.channels.values()].find((c) => c.guildId === guildId && c.type === 0);
    if (!channel) throw new Error(`fake Discord: guild ${guildId} has no text channel`);
    return channel;
  }

  /** Registers (or updates) a user from a test's input and returns its API shape. */
  user(input: UserInput): FakeUser {
    const known = this.users.get(input.id);
    const user: FakeUser = {
      id: input.id,
      username: input.username ?? known?.username ?? `user${input.id.slice(-4)}`,
      global_name: input.globalName ?? known?.global_name ?? null,
      discriminator: '0',
      avatar: null,
      public_flags: 0,
      ...((input.bot ?? known?.bot) ? { bot: true } : {}),
    };
    this.users.set(user.id, user);
    return user;
  }

  /** Remembers a member (and its roles) so GET /guilds/:id/members/:user can answer. */
  rememberMember(guildId: string, userId: string, roles: string[]): void {
    let members = this.members.get(guildId);
    if (!members) {
      members = new Map();
      this.members.set(guildId, members);
    }
    members.set(userId, roles);
  }

  /** A member's permissions: owner and administrators have all; else @everyone OR its roles. */
  permissions(guildId: string, userId: string, roleIds: string[]): bigint {
    const guild = this.guild(guildId);
    if (guild.ownerId === userId) return ALL_PERMISSIONS;
    let bits = guild.everyonePermissions;
    for (const id of roleIds) {
      const role = guild.roles.get(id);
      if (!role) throw new Error(`fake Discord: guild ${guildId} has no role ${id}`);
      bits |= role.permissions;
    }
    return bits & ADMINISTRATOR ? ALL_PERMISSIONS : bits;
  }
}
