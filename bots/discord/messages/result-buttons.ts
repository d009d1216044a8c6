// The buttons under a result: V1..Vn and U1..Un per picture, then reroll, edit and delete.
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIButtonComponentWithCustomId,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import { type ButtonAction, buttonId } from './custom-ids.ts';

type Row = APIActionRowComponent<APIButtonComponent>;

function button(
  label: string,
  action: ButtonAction,
  jobId: string,
  index = 0,
  style: APIButtonComponentWithCustomId['style'] = ButtonStyle.Secondary,
) {
  return {
    type: ComponentType.Button,
    style,
    label,
    custom_id: buttonId(action, jobId, index),
  } satisfies APIButtonComponentWithCustomId;
}

const row = (components: APIButtonComponent[]): Row => ({ type: ComponentType.ActionRow, components });

/** `pictures` 0 (a video): only reroll, edit and delete. */
export function resultButtons(jobId: string, pictures: number): Row[] {
  const indices = Array.from({ length: Math.min(pictures, 5) }, (_, i) => i);
  const perPicture =
    indices.length > 0
      ? [
          row(indices.map((i) => button(`V${i + 1}`, 'variation', jobId, i))),
          row(indices.map((i) => button(`U${i + 1}`, 'upscale', jobId, i))),
        ]
      : [];
  return [
    ...perPicture,
    row([
      button('🔄 Reroll', 'reroll', jobId, 0, ButtonStyle.Primary),
      button('✏️ Edit', 'edit', jobId),
      button('🗑️ Delete', 'delete', jobId, 0, ButtonStyle.Danger),
    ]),
  ];
}

export function progressButtons(jobId: string): Row[] {
  return [row([button('Cancel', 'cancel', jobId, 0, ButtonStyle.Danger)])];
}
