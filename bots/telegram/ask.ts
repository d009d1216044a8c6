// A request typed in the chat (a command, a caption, a reply) becomes a job: the chat's policy is
// checked, the chat's and the user's defaults are applied under what the message says, and any
// problem is answered in words that say what to change.
import type { PromptParams } from '../../core/flags/parse.ts';
import type { JobKind } from '../../core/job/job.ts';
import type { Inputs, Origin } from '../../core/job/references.ts';
import { userMessage } from '../shared/chat-jobs.ts';
import { buildChatRequest } from '../shared/chat-request.ts';
import type { ChatPlace, TelegramBotDeps } from './bot-deps.ts';
import { answer, startJob } from './start-job.ts';

export interface AskInput {
  kind: JobKind;
  text: string;
  options?: PromptParams;
  inputs?: Inputs;
  parent?: { jobId: string; index: number };
  notes?: string[];
}

export function originOf(place: ChatPlace): Origin {
  return {
    surface: 'telegram',
    chatId: place.chatId,
    messageId: place.messageId,
    ...(place.threadId ? { threadId: place.threadId } : {}),
  };
}

export const ownerOf = (userId: number) => `telegram:${userId}`;
export const chatScope = (chatId: number) => `telegram:chat:${chatId}`;
export const userScope = (userId: number) => `telegram:user:${userId}`;

/** Why the chat's policy refuses this request, in words; undefined when it may go ahead. */
export async function policyProblem(
  deps: TelegramBotDeps,
  place: ChatPlace,
  kind: JobKind,
): Promise<string | undefined> {
  const policy = await deps.policies.get(place.chatId);
  if (!policy.kinds.includes(kind))
    return `this chat does not take ${kind} requests; its admins allow ${policy.kinds.join(', ')}`;
  if (policy.who === 'admins' && !(await deps.admins.isAdmin(place.chatId, place.chatType, place.userId)))
    return "in this chat only the chat's admins may ask for pictures";
  return undefined;
}

export async function ask(
  deps: TelegramBotDeps,
  place: ChatPlace,
  input: AskInput,
): Promise<string | undefined> {
  const refused = await policyProblem(deps, place, input.kind);
  if (refused) {
    await answer(deps, place, `⛔ ${refused}`);
    return undefined;
  }
  const [scopeDefaults, userDefaults] = await Promise.all([
    deps.settings.get(chatScope(place.chatId)),
    deps.settings.get(userScope(place.userId)),
  ]);
  let built: ReturnType<typeof buildChatRequest>;
  try {
    built = buildChatRequest({
      kind: input.kind,
      text: input.text,
      options: input.options,
      owner: ownerOf(place.userId),
      origin: originOf(place),
      inputs: input.inputs,
      parent: input.parent,
      scopeDefaults,
      userDefaults,
      config: deps.config,
    });
  } catch (err) {
    await answer(deps, place, `❌ ${userMessage(err, deps.log)}`);
    return undefined;
  }
  return startJob(deps, place, built.request, built.added, input.notes ?? []);
}
