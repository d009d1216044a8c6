// The server's rules for the bot: where it answers (guilds, channels), which options need a role,
// and which prompts only render in age-restricted channels. Every refusal says what to change.
import type { DiscordConfig } from '../../../core/config/discord-settings.ts';
import { JobRefusedError } from '../../../core/errors.ts';
import type { Job } from '../../../core/job/job.ts';
import { findBlocked } from '../../../queue/components/moderate.ts';
import type { WhoWhere } from './who-where.ts';

type Policy = DiscordConfig['policy'];

/** Throws when the bot does not serve this guild or channel. */
export function checkPlace(policy: Policy, at: WhoWhere): void {
  if (policy.allowedGuilds.length > 0 && (!at.guildId || !policy.allowedGuilds.includes(at.guildId))) {
    throw new JobRefusedError(
      'forbidden',
      'this bot is not enabled here: ask a server admin which servers it serves',
    );
  }
  if (policy.allowedChannels.length > 0 && !policy.allowedChannels.includes(at.channelId)) {
    const where = policy.allowedChannels.map((c) => `<#${c}>`).join(', ');
    throw new JobRefusedError('forbidden', `this bot does not draw in this channel: use ${where}`);
  }
}

function gatedValue(job: Job, option: Policy['roleGates'][number]['option']): number | undefined {
  const p = job.params;
  if (option === 'steps') return p.steps;
  if (option === 'count') return p.count;
  if (option === 'pixels') return p.width * p.height;
  return job.kind === 'animate' ? 1 : undefined;
}

const LABEL = { steps: 'steps', count: 'pictures per job', pixels: 'pixels', video: 'videos' } as const;

/** Throws when the job uses an option the user's roles do not allow, or an NSFW prompt out of place. */
export function checkJob(policy: Policy, at: WhoWhere, job: Job): void {
  const refusals: string[] = [];
  for (const gate of policy.roleGates) {
    const value = gatedValue(job, gate.option);
    if (value === undefined || (gate.above !== undefined && value <= gate.above)) continue;
    if (gate.roles.some((r) => at.roles.includes(r))) continue;
    const roles = gate.roles.map((r) => `<@&${r}>`).join(' or ');
    refusals.push(
      gate.above !== undefined
        ? `${gate.option} ${value} is over ${gate.above} ${LABEL[gate.option]}, which needs the role ${roles}: use at most ${gate.above}`
        : `${LABEL[gate.option]} need the role ${roles}`,
    );
  }
  if (refusals.length > 0) throw new JobRefusedError('forbidden', refusals.join('; '));
  if (!at.nsfw && policy.nsfwTerms.length > 0) {
    const text = `${job.params.prompt}`;
    const hit = findBlocked(
      text,
      policy.nsfwTerms.map((term) => ({ term, reason: 'nsfw' })),
    );
    if (hit) {
      throw new JobRefusedError(
        'forbidden',
        `"${hit.term}" is only allowed in age-restricted channels: change the prompt or use such a channel`,
      );
    }
  }
}
