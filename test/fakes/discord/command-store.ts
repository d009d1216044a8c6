// Application commands as Discord keeps them: a bulk overwrite (PUT) replaces the whole set of a
// scope (global, or one guild); a command keeps its id when a command of that name and type stays.
import { invalidFormBody } from './discord-error.ts';
import { nextSnowflake } from './snowflake.ts';

type Json = Record<string, unknown>;

export const GLOBAL = 'global';

export class CommandStore {
  private readonly scopes = new Map<string, Json[]>();

  constructor(private readonly applicationId: string) {}

  /** The commands of a scope: GLOBAL or a guild id. */
  list(scope: string): Json[] {
    return this.scopes.get(scope) ?? [];
  }

  /** A command of that name visible in a guild (guild commands first, then global ones). */
  find(name: string, type: number, guildId: string | null): Json | undefined {
    const match = (c: Json) => c.name === name && (c.type ?? 1) === type;
    return (guildId ? this.list(guildId).find(match) : undefined) ?? this.list(GLOBAL).find(match);
  }

  overwrite(scope: string, body: unknown): Json[] {
    if (!Array.isArray(body)) throw invalidFormBody('_root', 'LIST_TYPE_CONVERT', 'Must be an array.');
    if (body.length > 100)
      throw invalidFormBody('_root', 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
    const previous = this.list(scope);
    const seen = new Set<string>();
    const next = (body as Json[]).map((command, i) => {
      const type = typeof command.type === 'number' ? command.type : 1;
      const name = String(command.name ?? '');
      validateCommand(command, type, i);
      const key = `${type}:${name}`;
      if (seen.has(key)) {
        throw invalidFormBody(
          `${i}.name`,
          'APPLICATION_COMMANDS_DUPLICATE_NAME',
          `Application command names must be unique`,
        );
      }
      seen.add(key);
      const old = previous.find((c) => c.name === name && c.type === type);
      return {
        id: (old?.id as string | undefined) ?? nextSnowflake(),
        application_id: this.applicationId,
        version: nextSnowflake(),
        default_member_permissions: null,
        type,
        name,
        name_localizations: null,
        description: type === 1 ? String(command.description ?? '') : '',
        description_localizations: null,
        dm_permission: true,
        contexts: null,
        integration_types: [0],
        nsfw: false,
        ...command,
        ...(scope === GLOBAL ? {} : { guild_id: scope }),
      } as Json;
    });
    this.scopes.set(scope, next);
    return next;
  }
}

const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateCommand(command: Json, type: number, i: number): void {
  const name = String(command.name ?? '');
  if (type === 1) {
    if (!NAME.test(name) || name !== name.toLowerCase()) {
      throw invalidFormBody(
        `${i}.name`,
        'APPLICATION_COMMAND_INVALID_NAME',
        `Command name is invalid: "${name}"`,
      );
    }
    const description = String(command.description ?? '');
    if (description.length < 1 || description.length > 100) {
      throw invalidFormBody(
        `${i}.description`,
        'BASE_TYPE_BAD_LENGTH',
        'Must be between 1 and 100 in length.',
      );
    }
    validateOptions((command.options as Json[] | undefined) ?? [], `${i}.options`);
  } else if (name.length < 1 || name.length > 32) {
    throw invalidFormBody(`${i}.name`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
  }
}

function validateOptions(options: Json[], at: string): void {
  if (options.length > 25)
    throw invalidFormBody(at, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  let sawOptional = false;
  for (const [j, option] of options.entries()) {
    const path = `${at}.${j}`;
    const name = String(option.name ?? '');
    if (!NAME.test(name) || name !== name.toLowerCase()) {
      throw invalidFormBody(
        `${path}.name`,
        'APPLICATION_COMMAND_INVALID_NAME',
        `Option name is invalid: "${name}"`,
      );
    }
    const description = String(option.description ?? '');
    if (description.length < 1 || description.length > 100) {
      throw invalidFormBody(
        `${path}.description`,
        'BASE_TYPE_BAD_LENGTH',
        'Must be between 1 and 100 in length.',
      );
    }
    const choices = (option.choices as Json[] | undefined) ?? [];
    if (choices.length > 25)
      throw invalidFormBody(`${path}.choices`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    if (option.type === 1 || option.type === 2) {
      validateOptions((option.options as Json[] | undefined) ?? [], `${path}.options`);
      continue;
    }
    if (option.required) {
      if (sawOptional) {
        throw invalidFormBody(
          `${path}.required`,
          'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
          'Required options must be placed before non-required options',
        );
      }
    } else sawOptional = true;
  }
}
