// Webhook mode: Telegram posts each update to TELEGRAM_WEBHOOK_URL with the secret token set by
// setWebhook in X-Telegram-Bot-Api-Secret-Token. Anything without that exact token gets 401.
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { TelegramWebhook } from './bot.ts';

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function telegramWebhookRoute(hook: TelegramWebhook): Hono {
  const app = new Hono();
  app.post('/', async (c) => {
    if (!sameSecret(c.req.header('x-telegram-bot-api-secret-token'), hook.secret)) {
      return c.json(
        {
          error: {
            code: 'unauthorized',
            message:
              'the X-Telegram-Bot-Api-Secret-Token header is missing or does not match TELEGRAM_WEBHOOK_SECRET',
          },
        },
        401,
      );
    }
    const update = (await c.req.json().catch(() => undefined)) as { update_id?: unknown } | undefined;
    if (!update || typeof update.update_id !== 'number')
      return c.json(
        {
          error: {
            code: 'invalid_input',
            message: 'the body must be a Telegram update (JSON with update_id)',
          },
        },
        400,
      );
    await hook.handleUpdate(update);
    return c.json({ ok: true });
  });
  return app;
}
