// /settings: `show`, `me` (the user's own defaults), `server` (what the guild adds to every prompt
// and its defaults; Manage Server only) and `reset`. A value of `-` clears that setting.
import { ValidationError } from '../../../core/errors.ts';
import { describeDefaults, type SettingsPatch } from '../../shared/chat-settings.ts';
import type { BotContext } from '../bot-context.ts';
import { type CommandInput, text } from './command-input.ts';
import type { InteractionReply } from './interaction-reply.ts';
import { whoWhere } from './who-where.ts';

const CLEAR = '-';

function patchOf(input: CommandInput): SettingsPatch {
  const patch: SettingsPatch = {};
  const value = (name: string) => {
    const v = text(input, name);
    return v === undefined ? undefined : v.trim() === CLEAR ? null : v;
  };
  const map = {
    prefix: 'prefix',
    suffix: 'suffix',
    negative: 'negativePrompt',
    model: 'model',
    steps: 'steps',
    cfg: 'guidance',
    sampler: 'sampler',
  } as const;
  for (const [option, setting] of Object.entries(map)) {
    const v = value(option);
    if (v !== undefined) patch[setting] = v;
  }
  const size = value('size');
  if (size === null) {
    patch.width = null;
    patch.height = null;
  } else if (size !== undefined) {
    const m = /^(\d{1,5})\s*[x×*]\s*(\d{1,5})$/i.exec(size.trim());
    if (!m)
      throw new ValidationError([
        { field: 'size', value: size, problem: 'must be WIDTHxHEIGHT, e.g. 768x512 (or - to clear)' },
      ]);
    patch.width = m[1];
    patch.height = m[2];
  }
  return patch;
}

export async function settingsCommand(
  ctx: BotContext,
  reply: InteractionReply,
  input: CommandInput,
): Promise<void> {
  const at = whoWhere(reply.interaction);
  const userScope = `discord:user:${at.userId}`;
  const guildScope = at.guildId ? `discord:guild:${at.guildId}` : undefined;
  const sub = input.subcommand ?? 'show';
  const show = async () => {
    const mine = describeDefaults(await ctx.settings.get(userScope));
    const server = guildScope ? describeDefaults(await ctx.settings.get(guildScope)) : undefined;
    return `**Your defaults**\n${mine}${server !== undefined ? `\n\n**This server adds / defaults**\n${server}` : ''}`;
  };
  if (sub === 'show') return reply.tell(await show());
  const wantsServer = sub === 'server' || (sub === 'reset' && text(input, 'scope') === 'server');
  if (wantsServer) {
    if (!guildScope) return reply.tell('server settings only exist in a server, not in direct messages');
    if (!at.admin) return reply.tell('only members with Manage Server can change this server’s settings');
  }
  const scope = wantsServer ? guildScope! : userScope;
  if (sub === 'reset') {
    await ctx.settings.clear(scope);
    return reply.tell(`${wantsServer ? 'This server’s' : 'Your'} settings are cleared.\n\n${await show()}`);
  }
  const patch = patchOf(input);
  if (Object.keys(patch).length === 0) {
    return reply.tell(
      'name at least one setting to change (prefix, suffix, negative, model, size, steps, cfg, sampler), or use /settings show',
    );
  }
  await ctx.settings.update(scope, patch);
  return reply.tell(`Saved.\n\n${await show()}`);
}
