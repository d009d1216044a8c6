// The entities Telegram attaches to a user's text: a leading /command (with an optional @botname)
// is a `bot_command`, which is how telegraf recognises commands.
export interface MessageEntity {
  type: 'bot_command';
  offset: number;
  length: number;
}

export function commandEntities(text: string): MessageEntity[] {
  const match = text.match(/^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,64})?/);
  return match ? [{ type: 'bot_command', offset: 0, length: match[0].length }] : [];
}
