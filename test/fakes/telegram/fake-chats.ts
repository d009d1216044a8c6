// Chats, their members and messages, as the fake Bot API keeps them: one message-id counter per chat
// shared by users and the bot, the bot's messages updated in place when it edits them.
export interface FakeUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
}

export interface FakeChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  first_name?: string;
}

export type FakeMessage = Record<string, unknown> & {
  message_id: number;
  date: number;
  chat: FakeChat;
  from?: FakeUser;
  text?: string;
  caption?: string;
  reply_to_message?: Record<string, unknown> & { message_id: number };
};

type MemberStatus = 'creator' | 'administrator' | 'member';

export class FakeChats {
  private chats = new Map<number, FakeChat>();
  private messages = new Map<number, Map<number, FakeMessage>>();
  private lastId = new Map<number, number>();
  private statuses = new Map<string, MemberStatus>();

  add(chat: FakeChat): FakeChat {
    this.chats.set(chat.id, chat);
    return chat;
  }

  get(id: number): FakeChat | undefined {
    return this.chats.get(id);
  }

  setStatus(chatId: number, userId: number, status: MemberStatus): void {
    this.statuses.set(`${chatId}:${userId}`, status);
  }

  /** A private chat's own user is its creator; elsewhere members unless told otherwise. */
  statusOf(chatId: number, userId: number): MemberStatus {
    const set = this.statuses.get(`${chatId}:${userId}`);
    if (set) return set;
    return this.chats.get(chatId)?.type === 'private' && chatId === userId ? 'creator' : 'member';
  }

  /** Stores a new message in the chat with the chat's next message id. */
  post(chat: FakeChat, from: FakeUser, fields: Record<string, unknown>): FakeMessage {
    const id = (this.lastId.get(chat.id) ?? 0) + 1;
    this.lastId.set(chat.id, id);
    const message: FakeMessage = {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      ...fields,
    };
    const inChat = this.messages.get(chat.id) ?? new Map<number, FakeMessage>();
    this.messages.set(chat.id, inChat);
    inChat.set(id, message);
    return message;
  }

  message(chatId: number, messageId: number): FakeMessage | undefined {
    return this.messages.get(chatId)?.get(messageId);
  }

  update(chatId: number, messageId: number, fields: Record<string, unknown>): FakeMessage | undefined {
    const message = this.message(chatId, messageId);
    if (!message) return undefined;
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) delete message[key];
      else message[key] = value;
    }
    return message;
  }

  remove(chatId: number, messageId: number): boolean {
    return this.messages.get(chatId)?.delete(messageId) ?? false;
  }

  /** Every message of the chat in order, as it reads now. */
  history(chatId: number): FakeMessage[] {
    return [...(this.messages.get(chatId)?.values() ?? [])];
  }
}
