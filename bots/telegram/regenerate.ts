// A text reply to a result (or its status message) is an edit: a new job from the old one with the
// reply's text. The old flags, seed and input pictures are kept unless the reply gives others; a reply
// of flags only keeps the old prompt too.
import { type PromptParams, parsePrompt } from '../../core/flags/parse.ts';
import type { Job } from '../../core/job/job.ts';
import { ask, chatScope, userScope } from './ask.ts';
import type { ChatPlace, TelegramBotDeps } from './bot-deps.ts';
import { messageKey } from './message-key.ts';
import { answer } from './start-job.ts';

function stripAdded(text: string, prefix?: string, suffix?: string): string {
  let t = text;
  if (prefix && t.startsWith(`${prefix}, `)) t = t.slice(prefix.length + 2);
  if (suffix && t.endsWith(`, ${suffix}`)) t = t.slice(0, -(suffix.length + 2));
  return t;
}

/** The old job's settings as typed options, which any flag in the reply overrides. */
function optionsOf(job: Job, addedNegative?: string): PromptParams {
  const p = job.params;
  let negative = p.negativePrompt;
  if (addedNegative && negative.startsWith(addedNegative))
    negative = negative.slice(addedNegative.length).replace(/^,\s*/, '');
  return {
    ...(negative ? { negativePrompt: negative } : {}),
    width: p.width,
    height: p.height,
    seed: p.seed,
    steps: p.steps,
    guidance: p.guidance,
    sampler: p.sampler,
    count: p.count,
    model: p.model,
    // An animation redraws every moved frame at its strength, so the strength is part of the clip.
    ...(job.kind !== 'imagine' ? { strength: p.strength } : {}),
    ...(p.video ? { video: p.video } : {}),
  };
}

/** Handles the reply when it answers one of the bot's job messages; false when it does not. */
export async function regenerate(
  deps: TelegramBotDeps,
  place: ChatPlace,
  repliedId: number,
  text: string,
): Promise<boolean> {
  const jobId = await deps.jobMessages.jobOf(messageKey(place.chatId, repliedId));
  if (!jobId) return false;
  const state = await deps.jobs.state(jobId);
  if (!state) {
    await answer(deps, place, '❌ that result has expired: send the request again');
    return true;
  }
  const old = state.job;
  const [scope, user] = await Promise.all([
    deps.settings.get(chatScope(place.chatId)),
    deps.settings.get(userScope(place.userId)),
  ]);
  const prefix = [scope.prefix, user.prefix].filter(Boolean).join(', ') || undefined;
  const suffix = [user.suffix, scope.suffix].filter(Boolean).join(', ') || undefined;
  const addedNegative = [scope.negativePrompt, user.negativePrompt].filter(Boolean).join(', ') || undefined;
  let words = text;
  try {
    // The video flags read only in a clip's reply; elsewhere they are an error the request answers.
    words = parsePrompt(text, {
      limits: deps.config.limits,
      defaults: deps.config.defaults,
      video: old.kind === 'animate',
    }).prompt;
  } catch {
    // The request below reads the text again and answers with every problem by its flag.
  }
  const fullText = words.trim() === '' ? `${stripAdded(old.params.prompt, prefix, suffix)} ${text}` : text;
  await ask(deps, place, {
    kind: old.kind,
    text: fullText,
    options: optionsOf(old, addedNegative),
    inputs: old.inputs,
    ...(old.parent ? { parent: { jobId: old.parent.jobId, index: old.parent.index } } : {}),
  });
  return true;
}
