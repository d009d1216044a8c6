// /settings: shows and changes defaults. `/settings NAME VALUE` sets your own default in a private
// chat and the chat's in a group (admins only); `me` and `chat` say which; `policy` sets who may ask
// and which kinds the chat takes (admins only); `clear` removes them; a value of `-` removes one.
import { ValidationError } from '../../core/errors.ts';
import { userMessage } from '../shared/chat-jobs.ts';
import { type ChatDefaults, describeDefaults, type SettingsPatch } from '../shared/chat-settings.ts';
import { chatScope, userScope } from './ask.ts';
import type { ChatPlace, TelegramBotDeps } from './bot-deps.ts';
import { describePolicy } from './chat-policy.ts';
import { answer } from './start-job.ts';

/** The names users type, to the settings they change. */
const NAMES: Record<string, keyof ChatDefaults> = {
  prefix: 'prefix',
  suffix: 'suffix',
  negative: 'negativePrompt',
  no: 'negativePrompt',
  negativeprompt: 'negativePrompt',
  model: 'model',
  width: 'width',
  height: 'height',
  steps: 'steps',
  cfg: 'guidance',
  guidance: 'guidance',
  sampler: 'sampler',
};

export const SETTINGS_HELP = [
  'Settings:',
  '/settings — what is set here and for you',
  '/settings prefix watercolor — added before every prompt (also: suffix, negative, model, size 768x512, steps, cfg, sampler)',
  '/settings me steps 30 — your own default, in any chat',
  '/settings chat negative blurry — the chat default (admins)',
  '/settings prefix - — removes one; /settings clear [me|chat] removes all',
  '/settings policy who admins|everyone — who may ask here (admins)',
  '/settings policy kinds imagine,remix,inpaint — what this chat takes (admins)',
].join('\n');

function patchOf(name: string, value: string): SettingsPatch {
  const cleared = value === '-' || value.toLowerCase() === 'none';
  if (name === 'size') {
    if (cleared) return { width: null, height: null };
    const m = /^(\d{1,5})\s*[x×*]\s*(\d{1,5})$/i.exec(value);
    if (!m)
      throw new ValidationError([{ field: 'size', value, problem: 'must be WIDTHxHEIGHT, e.g. 768x512' }]);
    return { width: m[1], height: m[2] };
  }
  const setting = NAMES[name.toLowerCase()];
  if (!setting)
    throw new ValidationError([
      { field: name, problem: `is not a setting; settings: ${[...Object.keys(NAMES), 'size'].join(', ')}` },
    ]);
  return { [setting]: cleared ? null : value };
}

export async function settingsCommand(deps: TelegramBotDeps, place: ChatPlace, args: string): Promise<void> {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const isPrivate = place.chatType === 'private';
  const show = async () => {
    const [chat, mine, policy] = await Promise.all([
      deps.settings.get(chatScope(place.chatId)),
      deps.settings.get(userScope(place.userId)),
      deps.policies.get(place.chatId),
    ]);
    const parts = [
      isPrivate ? null : `This chat:\n${describeDefaults(chat)}\n${describePolicy(policy)}`,
      `Yours:\n${describeDefaults(isPrivate ? { ...chat, ...mine } : mine)}`,
      SETTINGS_HELP,
    ];
    return parts.filter(Boolean).join('\n\n');
  };
  try {
    if (words.length === 0) return await answer(deps, place, await show());
    let target: 'me' | 'chat' = isPrivate ? 'me' : 'chat';
    if (words[0] === 'me' || words[0] === 'chat') target = words.shift() as 'me' | 'chat';
    const admin = () => deps.admins.isAdmin(place.chatId, place.chatType, place.userId);
    const needsAdmin = !isPrivate && (target === 'chat' || words[0] === 'policy');
    if (needsAdmin && !(await admin()))
      return await answer(
        deps,
        place,
        "⛔ only the chat's admins change its settings; use /settings me ... for your own",
      );
    // In a private chat the chat and the user are one; settings are the user's.
    const scope = target === 'me' || isPrivate ? userScope(place.userId) : chatScope(place.chatId);
    const [name, ...rest] = words;
    const value = rest.join(' ');
    if (name === 'clear') {
      await deps.settings.clear(scope);
      if (!isPrivate && target === 'chat') await deps.policies.clear(place.chatId);
      return await answer(deps, place, '✅ cleared');
    }
    if (name === 'policy') {
      const [policyName, ...policyValue] = rest;
      const policy = await deps.policies.set(place.chatId, policyName ?? '', policyValue.join(' '));
      return await answer(deps, place, `✅ policy of this chat:\n${describePolicy(policy)}`);
    }
    if (!name || value === '')
      return await answer(deps, place, `❌ say which setting and its value\n\n${SETTINGS_HELP}`);
    const updated = await deps.settings.update(scope, patchOf(name, value));
    const whose = scope === userScope(place.userId) ? 'your defaults' : "this chat's defaults";
    return await answer(deps, place, `✅ ${whose}:\n${describeDefaults(updated)}`);
  } catch (err) {
    return answer(deps, place, `❌ ${userMessage(err, deps.log)}`);
  }
}
