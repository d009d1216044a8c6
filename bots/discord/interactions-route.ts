// POST /discord/interactions: HTTP interactions mode, the alternative to the gateway. The request
// is checked against the application's public key (401 otherwise), PING is answered, and every other
// interaction goes to the same handlers as in gateway mode; their first answer is the HTTP response.
import type { APIInteraction, APIInteractionResponse } from 'discord.js';
import { Hono } from 'hono';
import type { BotContext } from './bot-context.ts';
import { handleInteraction } from './interactions/handle-interaction.ts';
import { publicKeyFromHex, verifyInteraction } from './verify-interaction.ts';

const REASONS = {
  missing: 'the request is not signed: X-Signature-Ed25519 and X-Signature-Timestamp are required',
  stale: 'the signature timestamp is too far from now',
  bad_signature: 'the signature does not match',
} as const;

export function discordInteractionsRoute(ctx: BotContext, publicKeyHex: string): Hono {
  const key = publicKeyFromHex(publicKeyHex);
  const app = new Hono();
  app.post('/', async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    const verified = verifyInteraction(
      key,
      c.req.header('x-signature-ed25519'),
      c.req.header('x-signature-timestamp'),
      body,
    );
    if (!verified.ok)
      return c.json({ error: { code: 'unauthorized', message: REASONS[verified.reason] } }, 401);
    let interaction: APIInteraction;
    try {
      interaction = JSON.parse(Buffer.from(body).toString('utf8')) as APIInteraction;
    } catch {
      return c.json({ error: { code: 'bad_request', message: 'the body must be JSON' } }, 400);
    }
    // The handlers' first answer is the HTTP response; their later messages go by webhook.
    let answer: (response: APIInteractionResponse | undefined) => void = () => undefined;
    const first = new Promise<APIInteractionResponse | undefined>((resolve) => {
      answer = resolve;
    });
    void handleInteraction(ctx, interaction, async (response) => answer(response))
      .catch((err) => ctx.log(`discord: interaction ${interaction.id} failed: ${(err as Error).message}`))
      .finally(() => answer(undefined));
    const response = await first;
    if (!response)
      return c.json({ error: { code: 'unhandled', message: 'this interaction type is not handled' } }, 400);
    return c.json(response);
  });
  return app;
}
