// A slash command's options flattened by name (subcommand included), attachments resolved.
import {
  type APIApplicationCommandInteractionDataOption,
  type APIAttachment,
  type APIChatInputApplicationCommandInteraction,
  ApplicationCommandOptionType,
} from 'discord.js';

export interface CommandInput {
  name: string;
  subcommand?: string;
  values: Record<string, string | number | boolean>;
  attachments: Record<string, APIAttachment>;
}

export function commandInput(interaction: APIChatInputApplicationCommandInteraction): CommandInput {
  const data = interaction.data;
  const input: CommandInput = { name: data.name, values: {}, attachments: {} };
  const resolved = data.resolved?.attachments ?? {};
  const walk = (options: readonly APIApplicationCommandInteractionDataOption[] | undefined) => {
    for (const o of options ?? []) {
      if (
        o.type === ApplicationCommandOptionType.Subcommand ||
        o.type === ApplicationCommandOptionType.SubcommandGroup
      ) {
        input.subcommand = o.name;
        walk(o.options as APIApplicationCommandInteractionDataOption[] | undefined);
      } else if (o.type === ApplicationCommandOptionType.Attachment) {
        const found = resolved[o.value];
        if (found) input.attachments[o.name] = found;
      } else if ('value' in o) {
        input.values[o.name] = o.value;
      }
    }
  };
  walk(data.options);
  return input;
}

export function text(input: CommandInput, name: string): string | undefined {
  const v = input.values[name];
  return typeof v === 'string' ? v : v === undefined ? undefined : String(v);
}

export function number(input: CommandInput, name: string): number | undefined {
  const v = input.values[name];
  return typeof v === 'number' ? v : undefined;
}
