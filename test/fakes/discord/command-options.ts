// Turns a test's `{ prompt: 'a cat', steps: 20, image: attachment }` into the `options` and
// `resolved` of an application command interaction, checked against the command the bot
// registered: unknown names, missing required options, wrong types and values outside the
// registered choices or ranges fail the test at once, as Discord's client would not send them.
import type { AttachmentStore } from './attachment-store.ts';
import { apiAttachment } from './attachment-store.ts';
import type { Directory } from './directory.ts';
import { apiChannel, apiMember, apiRole } from './payloads.ts';
import type { FakeAttachment, UserInput } from './types.ts';

type Json = Record<string, unknown>;

/** An attachment option: one the test added with `addAttachment`, or bytes to upload with the command. */
export type AttachmentOptionValue =
  | FakeAttachment
  | { bytes: Uint8Array; filename: string; contentType: string };

export type OptionValue = string | number | boolean | AttachmentOptionValue | UserInput;

export const OptionType = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

export interface OptionContext {
  directory: Directory;
  attachments: AttachmentStore;
  applicationId: string;
  guildId: string | null;
}

export interface BuiltOptions {
  options: Json[];
  resolved: Json;
}

function isAttachmentValue(value: unknown): value is AttachmentOptionValue {
  return typeof value === 'object' && value !== null && ('bytes' in value || 'filename' in value);
}

function inferType(value: OptionValue): number {
  if (typeof value === 'string') return OptionType.String;
  if (typeof value === 'boolean') return OptionType.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? OptionType.Integer : OptionType.Number;
  if (isAttachmentValue(value)) return OptionType.Attachment;
  return OptionType.User;
}

/**
 * Builds options for `command` (the registered definition, or undefined to infer types) with
 * the subcommand path, from the test's values.
 */
export function buildOptions(
  commandName: string,
  definitionOptions: Json[] | undefined,
  values: Record<string, OptionValue>,
  context: OptionContext,
): BuiltOptions {
  const resolved: Json = {};
  const options: Json[] = [];
  const known = definitionOptions?.filter((o) => o.type !== 1 && o.type !== 2);
  if (known) {
    for (const name of Object.keys(values)) {
      if (!known.some((o) => o.name === name)) {
        const names = known.map((o) => o.name).join(', ') || 'none';
        throw new Error(
          `fake Discord: /${commandName} has no option "${name}" (registered options: ${names})`,
        );
      }
    }
    for (const definition of known) {
      const name = String(definition.name);
      const value = values[name];
      if (value === undefined) {
        if (definition.required) throw new Error(`fake Discord: /${commandName} needs option "${name}"`);
        continue;
      }
      const type = Number(definition.type);
      checkValue(commandName, definition, type, value);
      options.push(buildOption(name, type, value, resolved, context));
    }
  } else {
    for (const [name, value] of Object.entries(values)) {
      options.push(buildOption(name, inferType(value), value, resolved, context));
    }
  }
  return { options, resolved };
}

function checkValue(commandName: string, definition: Json, type: number, value: OptionValue): void {
  const where = `/${commandName} option "${String(definition.name)}"`;
  const expect = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`fake Discord: ${where} takes ${what}, got ${JSON.stringify(value)}`);
  };
  switch (type) {
    case OptionType.String:
      expect(typeof value === 'string', 'a string');
      if (typeof definition.min_length === 'number')
        expect(String(value).length >= definition.min_length, `at least ${definition.min_length} characters`);
      if (typeof definition.max_length === 'number')
        expect(String(value).length <= definition.max_length, `at most ${definition.max_length} characters`);
      break;
    case OptionType.Integer:
    case OptionType.Number:
      expect(
        typeof value === 'number' && (type === OptionType.Number || Number.isInteger(value)),
        type === OptionType.Integer ? 'an integer' : 'a number',
      );
      if (typeof definition.min_value === 'number')
        expect(Number(value) >= definition.min_value, `a value of at least ${definition.min_value}`);
      if (typeof definition.max_value === 'number')
        expect(Number(value) <= definition.max_value, `a value of at most ${definition.max_value}`);
      break;
    case OptionType.Boolean:
      expect(typeof value === 'boolean', 'true or false');
      break;
    case OptionType.Attachment:
      expect(
        isAttachmentValue(value),
        'an attachment (fake.addAttachment(...) or { bytes, filename, contentType })',
      );
      break;
    case OptionType.User:
    case OptionType.Mentionable:
      expect(
        typeof value === 'string' || (typeof value === 'object' && 'id' in value),
        'a user id or { id, username }',
      );
      break;
    case OptionType.Channel:
    case OptionType.Role:
      expect(typeof value === 'string', 'an id');
      break;
  }
  const choices = definition.choices as Json[] | undefined;
  if (choices?.length && !choices.some((c) => c.value === value)) {
    const allowed = choices.map((c) => JSON.stringify(c.value)).join(', ');
    throw new Error(`fake Discord: ${where} must be one of ${allowed}, got ${JSON.stringify(value)}`);
  }
}

function section(resolved: Json, key: string): Json {
  resolved[key] ??= {};
  return resolved[key] as Json;
}

function buildOption(
  name: string,
  type: number,
  value: OptionValue,
  resolved: Json,
  context: OptionContext,
): Json {
  switch (type) {
    case OptionType.Attachment: {
      const given = value as AttachmentOptionValue;
      // Files picked in a command's attachment option are uploaded as ephemeral attachments.
      const attachment =
        'id' in given && context.attachments.get(given.id)
          ? (context.attachments.get(given.id) as FakeAttachment)
          : context.attachments.add(
              given.bytes,
              given.filename,
              (given as { contentType: string }).contentType,
              context.applicationId,
              {
                ephemeral: true,
              },
            );
      section(resolved, 'attachments')[attachment.id] = { ...apiAttachment(attachment), ephemeral: true };
      return { name, type, value: attachment.id };
    }
    case OptionType.User:
    case OptionType.Mentionable: {
      const input: UserInput = typeof value === 'string' ? { id: value } : (value as UserInput);
      const user = context.directory.user(input);
      section(resolved, 'users')[user.id] = user;
      if (context.guildId) {
        const { user: _user, ...member } = apiMember(user, [], new Date().toISOString());
        section(resolved, 'members')[user.id] = { ...member, permissions: '0' };
      }
      return { name, type, value: user.id };
    }
    case OptionType.Channel: {
      const channel = context.directory.channel(String(value));
      section(resolved, 'channels')[channel.id] = { ...apiChannel(channel), permissions: '0' };
      return { name, type, value: channel.id };
    }
    case OptionType.Role: {
      if (!context.guildId) throw new Error(`fake Discord: role option "${name}" outside a guild`);
      const role = context.directory.guild(context.guildId).roles.get(String(value));
      if (!role) throw new Error(`fake Discord: guild ${context.guildId} has no role ${String(value)}`);
      section(resolved, 'roles')[role.id] = apiRole(role);
      return { name, type, value: role.id };
    }
    default:
      return { name, type, value };
  }
}
