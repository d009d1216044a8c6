// Whether a user is an admin of a chat (they set the chat's defaults and policy). Asked of Telegram,
// remembered for a minute; in a private chat the user is the chat's owner.
import type { TelegramApi } from './telegram-api.ts';

const REMEMBER_MS = 60_000;

export class ChatAdmins {
  private known = new Map<string, { admin: boolean; until: number }>();

  constructor(private readonly api: TelegramApi) {}

  async isAdmin(chatId: number, chatType: string, userId: number): Promise<boolean> {
    if (chatType === 'private') return true;
    const key = `${chatId}:${userId}`;
    const cached = this.known.get(key);
    if (cached && cached.until > Date.now()) return cached.admin;
    const member = await this.api.getChatMember(chatId, userId);
    const admin = member.status === 'creator' || member.status === 'administrator';
    this.known.set(key, { admin, until: Date.now() + REMEMBER_MS });
    return admin;
  }
}
