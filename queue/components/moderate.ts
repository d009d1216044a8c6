// Ingest: refuses prompts with blocked terms, with a reason code; a guild or chat may add its own.
import type { Job } from '../../core/job/job.ts';
import { ComponentError, type ComponentHandler } from '../orchestrator/component-worker.ts';
import type { ComponentServices, ModerationRule } from './services.ts';

function scopeOf(job: Job): string | undefined {
  const o = job.origin;
  if (o.surface === 'discord') return o.guildId ?? o.channelId;
  if (o.surface === 'telegram') return String(o.chatId);
  return undefined;
}

function escapeRegExp(term: string): string {
  return term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function findBlocked(text: string, rules: readonly ModerationRule[]): ModerationRule | undefined {
  const lower = text.toLowerCase();
  return rules.find((r) =>
    new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(r.term.toLowerCase())}($|[^\\p{L}\\p{N}])`, 'u').test(
      lower,
    ),
  );
}

export function moderateComponent(services: ComponentServices): ComponentHandler {
  return async (ctx) => {
    const policy = services.moderation;
    if (!policy) return { allowed: true };
    const scope = scopeOf(ctx.job);
    const rules = [...policy.rules, ...((scope && policy.perScope?.[scope]) || [])];
    const hit = findBlocked(ctx.job.params.prompt, rules);
    if (hit) {
      throw new ComponentError(
        `moderated:${hit.reason}`,
        `your prompt was refused (${hit.reason}): "${hit.term}" is not allowed here; change the prompt and try again`,
        false,
      );
    }
    return { allowed: true };
  };
}
