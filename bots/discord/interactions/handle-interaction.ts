// One interaction from the gateway or from POST /discord/interactions, routed to its handler. Any
// error reaches the user as an ephemeral sentence (userMessage), never as a stack.
import {
  type APIChatInputApplicationCommandInteraction,
  type APIInteraction,
  type APIMessageApplicationCommandInteraction,
  ApplicationCommandType,
  InteractionResponseType,
  InteractionType,
} from 'discord.js';
import { userMessage } from '../../shared/chat-jobs.ts';
import type { BotContext } from '../bot-context.ts';
import { INPAINT_MENU_COMMAND } from '../commands/command-definitions.ts';
import { buttonPress } from './buttons.ts';
import { type CommandInput, commandInput } from './command-input.ts';
import { inpaintCommand, inpaintMenuCommand } from './inpaint.ts';
import { type Acknowledge, InteractionReply } from './interaction-reply.ts';
import { modalSubmit } from './modals.ts';
import { cancelCommand, queueCommand } from './queue-commands.ts';
import { animateCommand, imagineCommand, remixCommand } from './render-commands.ts';
import { settingsCommand } from './settings-command.ts';

type Command = (ctx: BotContext, reply: InteractionReply, input: CommandInput) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  imagine: imagineCommand,
  remix: remixCommand,
  inpaint: inpaintCommand,
  animate: animateCommand,
  settings: settingsCommand,
  queue: queueCommand,
  cancel: cancelCommand,
};

export async function handleInteraction(
  ctx: BotContext,
  interaction: APIInteraction,
  acknowledge: Acknowledge,
): Promise<void> {
  if (interaction.type === InteractionType.Ping) {
    await acknowledge({ type: InteractionResponseType.Pong });
    return;
  }
  const reply = new InteractionReply(interaction, ctx.api, acknowledge);
  try {
    await route(ctx, reply, interaction);
  } catch (err) {
    await reply
      .tell(userMessage(err, ctx.log))
      .catch((e) => ctx.log(`discord: could not answer ${interaction.id}: ${(e as Error).message}`));
  }
}

async function route(ctx: BotContext, reply: InteractionReply, interaction: APIInteraction): Promise<void> {
  switch (interaction.type) {
    case InteractionType.ApplicationCommand: {
      if (
        interaction.data.type === ApplicationCommandType.Message &&
        interaction.data.name === INPAINT_MENU_COMMAND
      ) {
        return inpaintMenuCommand(ctx, reply, interaction as APIMessageApplicationCommandInteraction);
      }
      const command =
        interaction.data.type === ApplicationCommandType.ChatInput
          ? COMMANDS[interaction.data.name]
          : undefined;
      if (!command) return reply.tell(`unknown command ${interaction.data.name}`);
      return command(ctx, reply, commandInput(interaction as APIChatInputApplicationCommandInteraction));
    }
    case InteractionType.MessageComponent:
      return buttonPress(ctx, reply, interaction);
    case InteractionType.ModalSubmit:
      return modalSubmit(ctx, reply, interaction);
    default:
      return;
  }
}
