// Every command the bot offers, as the JSON Discord's bulk overwrite takes. Option limits follow the
// configured limits so Discord's own pickers refuse what the queue would refuse.
import {
  type APIApplicationCommandBasicOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { Config } from '../../../core/config/config.ts';
import { MOTIONS, SAMPLERS } from '../../../core/job/limits.ts';

export const INPAINT_MENU_COMMAND = 'Inpaint';

const choices = (values: readonly string[]) => values.map((v) => ({ name: v, value: v }));

/** Discord shows at most 25 choices; with more, the value is typed and checked like the flag. */
const MAX_CHOICES = 25;

function pick(
  name: string,
  description: string,
  values: readonly string[],
): APIApplicationCommandBasicOption {
  return values.length <= MAX_CHOICES
    ? { type: ApplicationCommandOptionType.String, name, description, choices: choices(values) }
    : {
        type: ApplicationCommandOptionType.String,
        name,
        description: `${description}, e.g. ${values.slice(0, 3).join(', ')}`,
        max_length: 64,
      };
}

function str(
  name: string,
  description: string,
  required = false,
  max = 2000,
): APIApplicationCommandBasicOption {
  return { type: ApplicationCommandOptionType.String, name, description, required, max_length: max };
}

function renderOptions(config: Config): APIApplicationCommandBasicOption[] {
  const l = config.limits;
  return [
    str('negative', 'what to leave out (negative prompt)'),
    str('aspect', 'aspect ratio, e.g. 16:9', false, 16),
    str('size', 'exact size WIDTHxHEIGHT, e.g. 768x512', false, 16),
    {
      type: ApplicationCommandOptionType.Integer,
      name: 'steps',
      description: 'denoising steps',
      min_value: 1,
      max_value: l.maxSteps,
    },
    {
      type: ApplicationCommandOptionType.Number,
      name: 'cfg',
      description: 'guidance scale',
      min_value: 0,
      max_value: l.maxGuidance,
    },
    pick('sampler', 'sampler', SAMPLERS),
    {
      type: ApplicationCommandOptionType.Integer,
      name: 'seed',
      description: 'seed (random when absent)',
      min_value: 0,
      max_value: 2 ** 32 - 1,
    },
    {
      type: ApplicationCommandOptionType.Integer,
      name: 'count',
      description: 'pictures',
      min_value: 1,
      max_value: l.maxCount,
    },
    str('model', 'which model renders', false, 64),
  ];
}

function attachment(name: string, description: string, required: boolean): APIApplicationCommandBasicOption {
  return { type: ApplicationCommandOptionType.Attachment, name, description, required };
}

function settingsOptions(): APIApplicationCommandBasicOption[] {
  return [
    str('prefix', 'added before every prompt (- clears)', false, 500),
    str('suffix', 'added after every prompt (- clears)', false, 500),
    str('negative', 'negative prompt added to every job (- clears)', false, 500),
    str('model', 'default model (- clears)', false, 64),
    str('size', 'default size WIDTHxHEIGHT (- clears)', false, 16),
    str('steps', 'default steps (- clears)', false, 8),
    str('cfg', 'default guidance scale (- clears)', false, 8),
    pick('sampler', 'default sampler (- clears)', [...SAMPLERS, '-']),
  ];
}

export function commandDefinitions(config: Config): RESTPostAPIApplicationCommandsJSONBody[] {
  const l = config.limits;
  return [
    {
      name: 'imagine',
      description: 'draw a picture from a prompt (flags such as --ar 16:9 --seed 7 work inside it)',
      options: [str('prompt', 'what to draw, with flags', true), ...renderOptions(config)],
    },
    {
      name: 'remix',
      description: 'redraw a picture after a prompt (img2img)',
      options: [
        attachment('image', 'the picture to start from', false),
        str('prompt', 'what it should become, with flags'),
        {
          type: ApplicationCommandOptionType.Number,
          name: 'strength',
          description: 'how far it may move, 0 to 1',
          min_value: 0,
          max_value: 1,
        },
        str('image_url', 'or the address of the picture', false, 2000),
        ...renderOptions(config),
      ],
    },
    {
      name: 'inpaint',
      description: 'repaint part of a picture: the mask is black/white (white = repaint) or a scribbled copy',
      options: [
        attachment('image', 'the picture', true),
        attachment('mask', 'a black/white mask, or a copy of the picture scribbled where to repaint', true),
        str('prompt', 'what to paint there, with flags'),
        ...renderOptions(config),
      ],
    },
    {
      name: 'animate',
      description: 'a short video from a prompt',
      options: [
        str('prompt', 'what to animate, with flags', true),
        attachment('image', 'a picture to start from', false),
        pick('motion', 'camera motion', MOTIONS),
        {
          type: ApplicationCommandOptionType.Integer,
          name: 'frames',
          description: 'frames',
          min_value: 1,
          max_value: l.maxFrames,
        },
        {
          type: ApplicationCommandOptionType.Integer,
          name: 'fps',
          description: 'frames per second',
          min_value: 1,
          max_value: l.maxFps,
        },
      ],
    },
    {
      name: 'settings',
      description: 'your defaults, or this server’s (admins)',
      options: [
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: 'show',
          description: 'show your and this server’s defaults',
        },
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: 'me',
          description: 'set your own defaults',
          options: settingsOptions(),
        },
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: 'server',
          description: 'set what this server adds to every prompt, and its defaults (Manage Server)',
          options: settingsOptions(),
        },
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: 'reset',
          description: 'clear your defaults, or the server’s',
          options: [
            {
              type: ApplicationCommandOptionType.String,
              name: 'scope',
              description: 'whose',
              choices: choices(['me', 'server']),
            },
          ],
        },
      ],
    },
    { name: 'queue', description: 'your jobs: their place in line and how long they will take' },
    {
      name: 'cancel',
      description: 'cancel your latest unfinished job, or the one named',
      options: [str('job', 'the job id', false, 128)],
    },
    { type: ApplicationCommandType.Message, name: INPAINT_MENU_COMMAND },
  ];
}
