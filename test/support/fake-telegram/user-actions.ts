// The fake *user*: creates the messages and button presses a person would, as updates queued
// for getUpdates. These are test-side calls, so misuse throws a plain Error at once.
import { randomInt } from 'node:crypto';
import type { CallbackQuery, Chat, Message, MessageEntity, Update, User } from 'grammy/types';
import { isForum } from './context';
import { documentOf, photoSizesOf, storeFile } from './file-registry';
import { formatUserText } from './formatted-text';
import { imageInfo } from './image-info';
import { botAsUser, changeBotMembership } from './membership';
import { createMessage } from './message-factory';
import type { ChatState, FakeUser, Store } from './store';
import type { UpdateQueue } from './update-queue';
import { audioOf, voiceOf, type AudioInput, type VoiceInput } from './voice';

export interface UserMessageBase {
  from: FakeUser;
  chatId: number;
  /** A forum topic id; omit for private chats and the General topic. */
  threadId?: number;
  replyToMessageId?: number;
  /**
   * Posts on behalf of a chat, as Telegram's `sender_chat`: the group itself (an anonymous admin)
   * or a channel. `from` is then Telegram's placeholder bot, not the person.
   */
  senderChat?: Chat;
}

/** The `from` of a message an anonymous group admin sent. */
export const GROUP_ANONYMOUS_BOT: User = {
  id: 1087968824,
  is_bot: true,
  first_name: 'Group',
  username: 'GroupAnonymousBot',
};
/** The `from` of a message a channel posted into a group (a linked channel, or "send as"). */
export const CHANNEL_BOT: User = {
  id: 136817688,
  is_bot: true,
  first_name: 'Channel',
  username: 'Channel_Bot',
};

export interface SentByUser {
  message: Message;
  /** Undefined when allowed_updates excludes messages. */
  update: Update | undefined;
}

export class FakeUserActions {
  constructor(
    private readonly store: Store,
    private readonly queue: UpdateQueue,
    private readonly now: () => number,
  ) {}

  sendsText(input: UserMessageBase & { text: string }): SentByUser {
    const formatted = formatUserText(input.text);
    if (formatted.text === '')
      throw new Error('userSendsText: Telegram clients never send empty text');
    return this.send(input, { text: formatted.text, entities: formatted.entities });
  }

  sendsDocument(
    input: UserMessageBase & {
      bytes: Uint8Array;
      fileName: string;
      mime?: string;
      caption?: string;
    },
  ): SentByUser {
    const file = storeFile(
      this.store,
      'document',
      Buffer.from(input.bytes),
      input.fileName,
      input.mime ?? 'application/octet-stream',
    );
    return this.send(input, { document: documentOf(file), ...this.caption(input.caption) });
  }

  sendsPhoto(
    input: UserMessageBase & {
      bytes: Uint8Array;
      caption?: string;
      width?: number;
      height?: number;
    },
  ): SentByUser {
    const data = Buffer.from(input.bytes);
    const info = imageInfo(data) ?? { width: 1280, height: 960 };
    const photo = photoSizesOf(
      this.store,
      data,
      input.width ?? info.width,
      input.height ?? info.height,
    );
    return this.send(input, { photo, ...this.caption(input.caption) });
  }

  sendsVoice(input: UserMessageBase & VoiceInput): SentByUser {
    return this.send(input, { voice: voiceOf(this.store, input), ...this.caption(input.caption) });
  }

  sendsAudio(input: UserMessageBase & AudioInput): SentByUser {
    return this.send(input, { audio: audioOf(this.store, input), ...this.caption(input.caption) });
  }

  /** Presses an inline button of a bot message; returns the callback query id. */
  pressesButton(input: { from: FakeUser; chatId: number; messageId: number; data: string }): {
    callbackQueryId: string;
    update: Update | undefined;
  } {
    const chat = this.chat(input.chatId);
    const stored = this.store.message(input.chatId, input.messageId);
    if (!stored || stored.deleted || !stored.fromBot) {
      throw new Error(
        `userPressesButton: no bot message ${input.messageId} in chat ${input.chatId}`,
      );
    }
    const buttons = stored.history.at(-1)?.replyMarkup?.inline_keyboard.flat() ?? [];
    if (!buttons.some((b) => 'callback_data' in b && b.callback_data === input.data)) {
      throw new Error(
        `userPressesButton: message ${input.messageId} has no button with data "${input.data}"`,
      );
    }
    this.remember(input.from);
    const id = String(randomInt(1, 2 ** 47)) + String(randomInt(1000, 9999));
    this.store.callbackQueries.set(id, {
      id,
      chatId: input.chatId,
      messageId: input.messageId,
      fromId: input.from.id,
      data: input.data,
      at: this.now(),
      answered: false,
    });
    const query: CallbackQuery = {
      id,
      from: this.user(input.from),
      message: stored.message,
      // Stable per chat, like Telegram's opaque chat_instance.
      chat_instance: String(BigInt(chat.chat.id) * -7919n + 1_000_003n),
      data: input.data,
    };
    const update = chat.botIsMember ? this.queue.push({ callback_query: query }) : undefined;
    this.store.changed();
    return { callbackQueryId: id, update };
  }

  /**
   * The user adds the bot to a group, supergroup or channel (channels take bots only as admins):
   * the bot gets my_chat_member (left → member/administrator) and, in groups, the service message.
   */
  addsBot(input: { from: FakeUser; chatId: number; asAdmin?: boolean }): Update[] {
    const chat = this.chat(input.chatId);
    if (chat.chat.type === 'private') throw new Error('addBotToGroup: not a group or channel');
    if (chat.botIsMember) throw new Error(`addBotToGroup: the bot is already in ${input.chatId}`);
    const asAdmin = input.asAdmin ?? chat.chat.type === 'channel';
    if (chat.chat.type === 'channel' && !asAdmin) {
      throw new Error('addBotToGroup: a channel takes bots only as administrators');
    }
    this.remember(input.from);
    const joined = changeBotMembership(this.store, this.queue, {
      chat,
      by: this.user(input.from),
      now: this.now(),
      change: () => {
        chat.botIsMember = true;
        chat.botIsAdmin = asAdmin;
      },
    });
    if (chat.chat.type === 'channel') return joined ? [joined] : [];
    const service = createMessage(this.store, {
      chat,
      from: this.user(input.from),
      fromBot: false,
      threadId: undefined,
      replyTo: undefined,
      content: { new_chat_members: [botAsUser(this.store)] },
      text: undefined,
      html: undefined,
      entities: [],
      replyMarkup: undefined,
      now: this.now(),
    });
    const message = this.queue.push({ message: service.message as Update['message'] & object });
    this.store.changed();
    return [joined, message].filter((u): u is Update => u !== undefined);
  }

  private caption(caption: string | undefined): Record<string, unknown> {
    if (caption === undefined) return {};
    const formatted = formatUserText(caption);
    return { caption: formatted.text, caption_entities: formatted.entities };
  }

  private send(input: UserMessageBase, content: Record<string, unknown>): SentByUser {
    const chat = this.chat(input.chatId);
    if (input.threadId !== undefined && input.threadId !== 1) {
      const topic = this.store.topic(chat.chat.id, input.threadId);
      const topics = isForum(chat) || chat.chat.type === 'private';
      if (!topics || !topic || topic.deleted) {
        throw new Error(`no topic ${input.threadId} in chat ${input.chatId}`);
      }
    }
    if (chat.chat.type === 'private' && chat.chat.id !== input.from.id) {
      throw new Error(`user ${input.from.id} can't write in the private chat of ${chat.chat.id}`);
    }
    if (input.senderChat && chat.chat.type === 'private') {
      throw new Error('senderChat: only in groups and supergroups');
    }
    this.remember(input.from);
    const replyTo =
      input.replyToMessageId === undefined
        ? undefined
        : this.store.message(chat.chat.id, input.replyToMessageId);
    const text = typeof content['text'] === 'string' ? content['text'] : undefined;
    const sender = input.senderChat;
    const stored = createMessage(this.store, {
      chat,
      from: !sender
        ? this.user(input.from)
        : sender.id === chat.chat.id
          ? GROUP_ANONYMOUS_BOT
          : CHANNEL_BOT,
      fromBot: false,
      threadId: input.threadId === 1 ? undefined : input.threadId,
      replyTo,
      content: sender ? { sender_chat: sender, ...content } : content,
      text,
      html: undefined,
      entities: (content['entities'] ?? content['caption_entities'] ?? []) as MessageEntity[],
      replyMarkup: undefined,
      now: this.now(),
    });
    // A bot that is not in the group (left, or never added) gets nothing from it.
    const update = chat.botIsMember
      ? this.queue.push({ message: stored.message as Update['message'] & object })
      : undefined;
    this.store.changed();
    return { message: stored.message, update };
  }

  private chat(chatId: number): ChatState {
    const chat = this.store.chat(chatId);
    if (!chat) throw new Error(`unknown chat ${chatId}: add it with addPrivateChat/addForumGroup`);
    return chat;
  }

  private remember(user: FakeUser): void {
    this.store.users.set(user.id, user);
  }

  private user(user: FakeUser): User {
    return { ...user, is_bot: false };
  }
}
