// Where the queue's reply-chat and notify find each chat surface: the replier (results and failure
// notices) and the media resolver (attachments) of every configured surface, by its name. A new
// surface gives its pair here and the components reach it with no other change.
import type { ChatReplier, ComponentServices, MediaResolver } from '../../queue/components/services.ts';

export type ChatSurface = 'discord' | 'telegram';

export interface ChatSurfaceServices {
  replier: ChatReplier;
  mediaResolver: MediaResolver;
}

/** The components' `repliers` and `mediaResolvers`, from the surfaces that are configured. */
export function chatSurfaceServices(
  surfaces: Partial<Record<ChatSurface, ChatSurfaceServices | undefined>>,
): Required<Pick<ComponentServices, 'repliers' | 'mediaResolvers'>> {
  const repliers: ComponentServices['repliers'] = {};
  const mediaResolvers: ComponentServices['mediaResolvers'] = {};
  for (const [name, services] of Object.entries(surfaces) as [
    ChatSurface,
    ChatSurfaceServices | undefined,
  ][]) {
    if (!services) continue;
    repliers[name] = services.replier;
    mediaResolvers[name] = services.mediaResolver;
  }
  return { repliers, mediaResolvers };
}
