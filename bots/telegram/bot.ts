// The Telegram bot (telegraf): commands, pictures, replies and button presses become jobs. Updates
// come by long polling, or by webhook when one is configured (the HTTP server hands them over).
import { Telegraf } from 'telegraf';
import type { Message, Update } from 'telegraf/types';
import { userMessage } from '../shared/chat-jobs.ts';
import { accessProblem } from './access.ts';
import { AlbumCollector } from './album-collector.ts';
import { ask } from './ask.ts';
import type { ChatPlace, TelegramBotDeps } from './bot-deps.ts';
import { handlePress } from './callbacks.ts';
import { HELP } from './help-text.ts';
import { requestText } from './incoming-picture.ts';
import { PictureMessages } from './picture-messages.ts';
import { cancelCommand, queueCommand } from './queue-commands.ts';
import { regenerate } from './regenerate.ts';
import { settingsCommand } from './settings-command.ts';
import { answer, replyTo } from './start-job.ts';

export interface TelegramWebhook {
  /** Path on the HTTP server (from TELEGRAM_WEBHOOK_URL). */
  path: string;
  secret: string;
  handleUpdate(update: unknown): Promise<void>;
}

export interface TelegramBot {
  telegraf: Telegraf;
  /** Set in webhook mode: what the HTTP server mounts. */
  webhook?: TelegramWebhook;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const COMMANDS = [
  { command: 'imagine', description: 'draw a picture: /imagine a fox --ar 16:9' },
  { command: 'animate', description: 'a short video: /animate a boat at sea' },
  { command: 'settings', description: 'defaults for you or this chat' },
  { command: 'queue', description: 'your jobs in progress' },
  { command: 'cancel', description: 'stop your latest job' },
  { command: 'help', description: 'ways to ask, flags and settings' },
];

type AnyMessage = Message & {
  text?: string;
  caption?: string;
  media_group_id?: string;
  reply_to_message?: Message & { from?: { id: number } };
  is_topic_message?: boolean;
  message_thread_id?: number;
};

function placeOf(message: AnyMessage, userId: number): ChatPlace {
  return {
    chatId: message.chat.id,
    chatType: message.chat.type,
    messageId: message.message_id,
    userId,
    ...(message.is_topic_message && message.message_thread_id ? { threadId: message.message_thread_id } : {}),
  };
}

export function createTelegramBot(deps: TelegramBotDeps): TelegramBot {
  const tg = deps.config.telegram;
  if (!tg.token) throw new Error('TELEGRAM_BOT_TOKEN is not set');
  const telegraf = new Telegraf(tg.token, {
    telegram: { apiRoot: tg.apiRoot, webhookReply: false },
    handlerTimeout: 120_000,
  });
  const { log } = deps;
  const me = () => ({ id: telegraf.botInfo?.id ?? 0, username: telegraf.botInfo?.username ?? '' });
  const pictures = () => new PictureMessages(deps, me());
  const albums = new AlbumCollector<AnyMessage>(
    tg.albumWaitMs,
    async (messages) => {
      const first = messages[0];
      const place = placeOf(first, first.from?.id ?? 0);
      // Handled off telegraf's update loop, so its error handler does not see these.
      await pictures()
        .album(place, messages)
        .catch((err) => answer(deps, place, `❌ ${userMessage(err, log)}`));
    },
    log,
  );

  telegraf.catch(async (err, ctx) => {
    const text = userMessage(err, log);
    const chatId = ctx.chat?.id;
    if (chatId !== undefined) await deps.api.sendMessage(chatId, `❌ ${text}`).catch(() => undefined);
  });

  telegraf.use(async (ctx, next) => {
    const problem = accessProblem(tg, ctx.chat?.id, ctx.from?.id);
    if (!problem) return next();
    if (ctx.callbackQuery) {
      await deps.api.answerCbQuery(ctx.callbackQuery.id, problem, { show_alert: true });
      return;
    }
    // In a group only what is meant for the bot is answered, so the chat is not flooded.
    const message = ctx.message as AnyMessage | undefined;
    const said = (message?.text ?? message?.caption ?? '').trim();
    if (ctx.chat && message && (ctx.chat.type === 'private' || said.startsWith('/')))
      await deps.api.sendMessage(ctx.chat.id, `⛔ ${problem}`, replyTo(placeOf(message, ctx.from?.id ?? 0)));
  });

  const messagePlace = (ctx: { message?: unknown; from?: { id: number } }) =>
    placeOf(ctx.message as AnyMessage, ctx.from?.id ?? 0);

  telegraf.command(['start', 'help'], (ctx) => answer(deps, messagePlace(ctx), HELP));
  telegraf.command('imagine', async (ctx) => {
    await ask(deps, messagePlace(ctx), { kind: 'imagine', text: ctx.payload });
  });
  telegraf.command('animate', async (ctx) => {
    const place = messagePlace(ctx);
    // As a reply to a picture, the clip starts from that picture.
    const replied = (ctx.message as AnyMessage).reply_to_message;
    if (await pictures().animateReplied(place, replied, ctx.payload)) return;
    await ask(deps, place, { kind: 'animate', text: ctx.payload });
  });
  telegraf.command('settings', (ctx) => settingsCommand(deps, messagePlace(ctx), ctx.payload));
  telegraf.command('queue', (ctx) => queueCommand(deps, messagePlace(ctx)));
  telegraf.command('cancel', (ctx) =>
    cancelCommand(
      deps,
      messagePlace(ctx),
      ctx.payload,
      (ctx.message as AnyMessage).reply_to_message?.message_id,
    ),
  );

  const onPicture = async (ctx: { message: unknown; from: { id: number } }) => {
    const message = ctx.message as AnyMessage;
    if (message.media_group_id) return albums.add(`${message.chat.id}:${message.media_group_id}`, message);
    await pictures().single(placeOf(message, ctx.from.id), message);
  };
  telegraf.on('photo', onPicture);
  telegraf.on('document', onPicture);

  telegraf.on('text', async (ctx) => {
    const message = ctx.message as AnyMessage;
    const place = placeOf(message, ctx.from.id);
    const bot = me();
    const isPrivate = place.chatType === 'private';
    let text = message.text ?? '';
    const mention = new RegExp(`@${bot.username}\\b`, 'i');
    const mentioned = bot.username !== '' && mention.test(text);
    if (mentioned) text = text.replace(mention, ' ').trim();
    const { command } = requestText(text);
    if (command !== undefined) {
      if (isPrivate || mentioned)
        await answer(deps, place, `❌ /${command} is not a command here; /help lists what is`);
      return;
    }
    const replied = message.reply_to_message;
    if (replied?.from?.id === bot.id && (await regenerate(deps, place, replied.message_id, text))) return;
    if (isPrivate || mentioned) await ask(deps, place, { kind: 'imagine', text });
  });

  telegraf.on('callback_query', async (ctx) => {
    try {
      await handlePress(deps, ctx.callbackQuery as Parameters<typeof handlePress>[1]);
    } catch (err) {
      // The press is answered either way, or Telegram keeps showing its spinner.
      // A press already answered gets the problem in the chat instead.
      const text = userMessage(err, log);
      await deps.api.answerCbQuery(ctx.callbackQuery.id, text, { show_alert: true }).catch(async () => {
        if (ctx.chat) await deps.api.sendMessage(ctx.chat.id, `❌ ${text}`).catch(() => undefined);
      });
    }
  });

  // Anything else in a private chat (a sticker, a voice note) is answered, not ignored.
  telegraf.on('message', async (ctx) => {
    if (ctx.chat.type !== 'private') return;
    await answer(
      deps,
      messagePlace(ctx),
      'send a prompt, a photo with a caption, or /help to see what I can do',
    );
  });

  const allowedUpdates = ['message', 'callback_query'] as const;
  let polling = false;
  const bot: TelegramBot = {
    telegraf,
    async start() {
      telegraf.botInfo ??= await deps.api.getMe();
      await deps.api
        .setMyCommands(COMMANDS)
        .catch((err) => log(`telegram: setMyCommands: ${(err as Error).message}`));
      if (tg.webhook) {
        await deps.api.setWebhook(tg.webhook.url, {
          secret_token: tg.webhook.secret,
          allowed_updates: [...allowedUpdates],
        });
        log(`telegram: @${telegraf.botInfo.username} takes updates by webhook at ${tg.webhook.url}`);
        return;
      }
      await new Promise<void>((resolve, reject) => {
        telegraf
          .launch({ allowedUpdates: [...allowedUpdates] }, () => {
            polling = true;
            resolve();
          })
          .catch((err) => {
            if (!polling) reject(err);
            else log(`telegram: polling stopped: ${(err as Error).message}`);
          });
      });
      log(`telegram: @${telegraf.botInfo.username} takes updates by long polling from ${tg.apiRoot}`);
    },
    async stop() {
      if (polling) telegraf.stop('stopping');
      polling = false;
      albums.clear();
      for (const watch of deps.watches) watch.stop();
      await Promise.all([...deps.watches].map((w) => w.done));
    },
  };
  if (tg.webhook) {
    bot.webhook = {
      path: tg.webhook.path,
      secret: tg.webhook.secret,
      handleUpdate: (update) => telegraf.handleUpdate(update as Update),
    };
  }
  return bot;
}
