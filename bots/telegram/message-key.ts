// How a Telegram message is named in the job-to-message links (bots/shared/job-messages.ts).
export function messageKey(chatId: number | string, messageId: number): string {
  return `telegram:${chatId}:${messageId}`;
}

export function parseMessageKey(key: string): { chatId: number | string; messageId: number } | undefined {
  const m = /^telegram:(-?\d+|@?[\w-]+):(\d+)$/.exec(key);
  if (!m) return undefined;
  return { chatId: /^-?\d+$/.test(m[1]) ? Number(m[1]) : m[1], messageId: Number(m[2]) };
}
