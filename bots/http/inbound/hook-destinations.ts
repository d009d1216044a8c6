// Where a hook's result goes. Each destination type is a config schema plus the job origin it becomes;
// a chat surface adds its type here (a Discord channel, a Telegram chat) and hooks need no other change.
import { z } from 'zod';
import { CALLBACK_EVENTS, type Origin } from '../../../core/job/references.ts';

const CallbackDestination = z
  .object({
    type: z.literal('callback'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    events: z.array(z.enum(CALLBACK_EVENTS)).optional(),
  })
  .strict();

export const HookDestinationSchema = z.discriminatedUnion('type', [CallbackDestination], {
  error: 'must be {"type": "callback", "url": "https://..."}',
});

export type HookDestination = z.infer<typeof HookDestinationSchema>;

interface DestinationType<D> {
  origin(destination: D, hook: string): Origin;
  /** What the server must have for this destination, as a problem text when it is missing. */
  needs?(server: { callbackSecret?: string }): string | undefined;
}

const DESTINATIONS: {
  [T in HookDestination['type']]: DestinationType<Extract<HookDestination, { type: T }>>;
} = {
  callback: {
    origin: (d, hook) => ({
      surface: 'http',
      callbackUrl: d.url,
      ...(d.events ? { callbackEvents: d.events } : {}),
      hook,
    }),
    needs: (server) => (server.callbackSecret ? undefined : 'needs CALLBACK_SECRET to sign its callbacks'),
  },
};

export function destinationOrigin(destination: HookDestination, hook: string): Origin {
  return DESTINATIONS[destination.type].origin(destination, hook);
}

export function destinationNeeds(destination: HookDestination, server: { callbackSecret?: string }) {
  return DESTINATIONS[destination.type].needs?.(server);
}
