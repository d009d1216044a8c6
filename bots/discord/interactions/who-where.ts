// Who pressed or typed, and where: the user, the guild, the channel, their roles and permissions.
import type { APIInteraction } from 'discord.js';

export interface WhoWhere {
  userId: string;
  owner: string;
  guildId?: string;
  channelId: string;
  /** Age-restricted channel. */
  nsfw: boolean;
  roles: string[];
  /** Manage Server or Administrator in this guild. */
  admin: boolean;
}

const ADMINISTRATOR = 1n << 3n;
const MANAGE_GUILD = 1n << 5n;

export function whoWhere(interaction: APIInteraction): WhoWhere {
  const user = interaction.member?.user ?? interaction.user;
  const userId = user?.id ?? '0';
  const permissions = BigInt(interaction.member?.permissions ?? '0');
  const channel = interaction.channel as { id: string; nsfw?: boolean } | undefined;
  return {
    userId,
    owner: `discord:${userId}`,
    ...(interaction.guild_id ? { guildId: interaction.guild_id } : {}),
    channelId: channel?.id ?? interaction.channel_id ?? '0',
    nsfw: channel?.nsfw === true,
    roles: interaction.member?.roles ?? [],
    admin: (permissions & (ADMINISTRATOR | MANAGE_GUILD)) !== 0n,
  };
}
