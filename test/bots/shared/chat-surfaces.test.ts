import { describe, expect, it } from 'vitest';
import { chatSurfaceServices } from '../../../bots/shared/chat-surfaces.ts';
import type { ChatReplier, MediaResolver } from '../../../queue/components/services.ts';

const replier = (): ChatReplier => async () => undefined;
const resolver = (): MediaResolver => async () => Buffer.alloc(0);

describe('the chat surfaces the components reply through', () => {
  it('registers each configured surface by name and leaves out one that is not configured', () => {
    const discord = { replier: replier(), mediaResolver: resolver() };
    const { repliers, mediaResolvers } = chatSurfaceServices({ discord, telegram: undefined });
    expect(repliers).toStrictEqual({ discord: discord.replier });
    expect(mediaResolvers).toStrictEqual({ discord: discord.mediaResolver });
  });

  it('keeps two surfaces apart', () => {
    const discord = { replier: replier(), mediaResolver: resolver() };
    const telegram = { replier: replier(), mediaResolver: resolver() };
    const { repliers, mediaResolvers } = chatSurfaceServices({ discord, telegram });
    expect(repliers?.telegram).toBe(telegram.replier);
    expect(repliers?.discord).toBe(discord.replier);
    expect(mediaResolvers?.telegram).toBe(telegram.mediaResolver);
  });
});
