// Discord's limits on messages and modals, checked the way Discord answers: 400 "Invalid Form Body"
// (50035) naming the field. A bot that breaks a limit in a test fails as it would in production.
import { type DiscordError, emptyMessage, invalidFormBody } from './discord-error.ts';

type Json = Record<string, unknown>;

const IS_COMPONENTS_V2 = 1 << 15;

function tooLong(path: string, max: number): DiscordError {
  return invalidFormBody(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
}

function checkLength(value: unknown, path: string, max: number): void {
  if (typeof value === 'string' && [...value].length > max) throw tooLong(path, max);
}

function checkRequired(value: unknown, path: string): void {
  if (value === undefined || value === null || value === '') {
    throw invalidFormBody(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  }
}

export function validateEmbeds(embeds: Json[]): void {
  if (embeds.length > 10) throw tooLong('embeds', 10);
  let total = 0;
  for (const [i, embed] of embeds.entries()) {
    const at = `embeds.${i}`;
    checkLength(embed.title, `${at}.title`, 256);
    checkLength(embed.description, `${at}.description`, 4096);
    const fields = (embed.fields as Json[] | undefined) ?? [];
    if (fields.length > 25) throw tooLong(`${at}.fields`, 25);
    for (const [j, field] of fields.entries()) {
      checkRequired(field.name, `${at}.fields.${j}.name`);
      checkRequired(field.value, `${at}.fields.${j}.value`);
      checkLength(field.name, `${at}.fields.${j}.name`, 256);
      checkLength(field.value, `${at}.fields.${j}.value`, 1024);
      total += String(field.name).length + String(field.value).length;
    }
    const footer = embed.footer as Json | undefined;
    const author = embed.author as Json | undefined;
    checkLength(footer?.text, `${at}.footer.text`, 2048);
    checkLength(author?.name, `${at}.author.name`, 256);
    total += [embed.title, embed.description, footer?.text, author?.name]
      .map((s) => (typeof s === 'string' ? s.length : 0))
      .reduce((a, b) => a + b, 0);
  }
  if (total > 6000) {
    throw invalidFormBody('embeds', 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  }
}

function validateButton(button: Json, at: string, customIds: Set<string>): void {
  const isLink = button.style === 5;
  const isPremium = button.style === 6;
  if (isLink) checkRequired(button.url, `${at}.url`);
  else if (!isPremium) {
    checkRequired(button.custom_id, `${at}.custom_id`);
    checkLength(button.custom_id, `${at}.custom_id`, 100);
    const id = String(button.custom_id);
    if (customIds.has(id)) {
      throw invalidFormBody(
        `${at}.custom_id`,
        'COMPONENT_CUSTOM_ID_DUPLICATED',
        'Component custom id cannot be duplicated',
      );
    }
    customIds.add(id);
  }
  checkLength(button.label, `${at}.label`, 80);
  if (!isPremium && button.label === undefined && button.emoji === undefined) {
    throw invalidFormBody(`${at}.label`, 'BASE_TYPE_REQUIRED', 'A button needs a label or an emoji');
  }
}

export function validateComponents(components: Json[], flags: number): void {
  if (flags & IS_COMPONENTS_V2) return; // layout components: not checked beyond shape
  if (components.length > 5) throw tooLong('components', 5);
  const customIds = new Set<string>();
  for (const [i, row] of components.entries()) {
    const at = `components.${i}`;
    if (row.type !== 1) {
      throw invalidFormBody(
        `${at}.type`,
        'UNION_TYPE_CHOICES',
        'Top-level components must be action rows (type 1)',
      );
    }
    const children = (row.components as Json[] | undefined) ?? [];
    if (children.length === 0 || children.length > 5) {
      throw invalidFormBody(`${at}.components`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
    }
    const hasSelect = children.some((c) => c.type !== 2);
    if (hasSelect && children.length > 1) {
      throw invalidFormBody(
        `${at}.components`,
        'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
        'A select menu fills a whole row',
      );
    }
    for (const [j, child] of children.entries()) {
      if (child.type === 2) validateButton(child, `${at}.components.${j}`, customIds);
      else checkLength(child.custom_id, `${at}.components.${j}.custom_id`, 100);
    }
  }
}

/** Checks a message's resulting state (after an edit is applied) against Discord's limits. */
export function validateMessage(message: {
  content: string;
  embeds: Json[];
  components: Json[];
  attachmentCount: number;
  flags: number;
  allowEmpty: boolean;
}): void {
  checkLength(message.content, 'content', 2000);
  validateEmbeds(message.embeds);
  validateComponents(message.components, message.flags);
  if (message.attachmentCount > 10) throw tooLong('attachments', 10);
  const empty =
    message.content === '' &&
    message.embeds.length === 0 &&
    message.components.length === 0 &&
    message.attachmentCount === 0;
  if (empty && !message.allowEmpty) throw emptyMessage();
}

/** A modal (interaction callback type 9) as Discord checks it. */
export function validateModal(data: Json | undefined): void {
  if (!data) throw invalidFormBody('data', 'BASE_TYPE_REQUIRED', 'This field is required');
  checkRequired(data.title, 'data.title');
  checkLength(data.title, 'data.title', 45);
  checkRequired(data.custom_id, 'data.custom_id');
  checkLength(data.custom_id, 'data.custom_id', 100);
  const rows = (data.components as Json[] | undefined) ?? [];
  if (rows.length === 0 || rows.length > 5) {
    throw invalidFormBody('data.components', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  }
  const customIds = new Set<string>();
  for (const [i, row] of rows.entries()) {
    const at = `data.components.${i}`;
    // Legacy: an action row holding one text input. Current: a label (18) holding one component.
    const inner =
      row.type === 1 ? ((row.components as Json[] | undefined) ?? [])[0] : (row.component as Json);
    if (row.type !== 1 && row.type !== 18 && row.type !== 10) {
      throw invalidFormBody(
        `${at}.type`,
        'UNION_TYPE_CHOICES',
        'Modal rows must be action rows, labels or text',
      );
    }
    if (row.type === 10) continue;
    if (!inner) throw invalidFormBody(`${at}.components`, 'BASE_TYPE_REQUIRED', 'This field is required');
    if (row.type === 1) checkLength(inner.label, `${at}.components.0.label`, 45);
    else checkLength(row.label, `${at}.label`, 45);
    checkRequired(inner.custom_id, `${at}.custom_id`);
    checkLength(inner.custom_id, `${at}.custom_id`, 100);
    if (customIds.has(String(inner.custom_id))) {
      throw invalidFormBody(
        `${at}.custom_id`,
        'COMPONENT_CUSTOM_ID_DUPLICATED',
        'Component custom id cannot be duplicated',
      );
    }
    customIds.add(String(inner.custom_id));
    if (inner.type === 4) {
      const max = typeof inner.max_length === 'number' ? inner.max_length : 4000;
      checkLength(inner.value, `${at}.value`, Math.min(max, 4000));
      checkLength(inner.placeholder, `${at}.placeholder`, 100);
    }
  }
}
