// API shapes of guilds, channels, roles and members, built from the fake's directory.
import type { Channel, Directory, Guild, Role } from './directory.ts';
import type { FakeUser } from './types.ts';

export function apiChannel(channel: Channel): Record<string, unknown> {
  if (channel.guildId === null) {
    return { id: channel.id, type: channel.type, last_message_id: null, flags: 0, recipients: [] };
  }
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    position: channel.position,
    parent_id: channel.parentId,
    nsfw: channel.nsfw,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    permission_overwrites: [],
    flags: 0,
  };
}

export function apiRole(role: Role): Record<string, unknown> {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0,
  };
}

function everyoneRole(guild: Guild): Role {
  return { id: guild.id, name: '@everyone', permissions: guild.everyonePermissions, position: 0 };
}

export function apiRoles(guild: Guild): Record<string, unknown>[] {
  return [everyoneRole(guild), ...guild.roles.values()].map(apiRole);
}

export function apiMember(user: FakeUser, roles: string[], joinedAt: string): Record<string, unknown> {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

/** The guild object of GET /guilds/:id. */
export function apiGuild(guild: Guild): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: apiRoles(guild),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    max_members: 500000,
    max_video_channel_users: 25,
  };
}

/** GUILD_CREATE: the guild plus its channels, roles and the bot's own member. */
export function guildCreate(directory: Directory, guild: Guild): Record<string, unknown> {
  const channels = [...directory.channels.values()]
    .filter((c) => c.guildId === guild.id)
    .map((c) => {
      const { guild_id: _guildId, ...rest } = apiChannel(c);
      return rest;
    });
  return {
    ...apiGuild(guild),
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [apiMember(directory.botUser, [], guild.joinedAt)],
    channels,
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** READY: the bot user, the guilds (unavailable until their GUILD_CREATE), the session. */
export function readyPayload(
  directory: Directory,
  applicationId: string,
  sessionId: string,
  resumeUrl: string,
): Record<string, unknown> {
  return {
    v: 10,
    user: { ...directory.botUser, verified: true, mfa_enabled: false, flags: 0 },
    guilds: [...directory.guilds.keys()].map((id) => ({ id, unavailable: true })),
    session_id: sessionId,
    session_type: 'normal',
    resume_gateway_url: resumeUrl,
    shard: [0, 1],
    application: { id: applicationId, flags: 0 },
    private_channels: [],
    presences: [],
    relationships: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: [],
    user_settings: {},
    auth: {},
    _trace: ['["fake-discord-gateway",{"micros":1}]'],
  };
}
