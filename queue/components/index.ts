// The component handlers by name, as flows refer to them.

import { NOTIFY } from '../../core/flows/notify.ts';
import type { ComponentHandler } from '../orchestrator/component-worker.ts';
import { archiveComponent } from './archive.ts';
import { callbackComponent } from './callback.ts';
import { encodeImageComponent } from './encode-image.ts';
import { encodeVideoComponent } from './encode-video.ts';
import { fetchMediaComponent } from './fetch-media.ts';
import { moderateComponent } from './moderate.ts';
import { notifyComponent } from './notify.ts';
import { renderComponent } from './render.ts';
import { replyChatComponent } from './reply-chat.ts';
import type { ComponentServices } from './services.ts';
import { validateComponent } from './validate.ts';

export function componentHandlers(
  services: ComponentServices & { publicUrl?: string },
): Record<string, ComponentHandler> {
  return {
    validate: validateComponent(services),
    'fetch-media': fetchMediaComponent(services),
    moderate: moderateComponent(services),
    render: renderComponent(services),
    'encode-image': encodeImageComponent(services),
    'encode-video': encodeVideoComponent(services),
    'reply-chat': replyChatComponent(services),
    callback: callbackComponent(services),
    archive: archiveComponent(services),
    [NOTIFY]: notifyComponent(services),
  };
}
