// The fake *user*: creates the messages and button presses a person would, as updates queued
// for getUpdates. These are test-side calls, so misuse throws a plain Error at once.
import { randomInt } from 'node:crypto';
import type { CallbackQuery, Message, MessageEntity, Update, User } from 'grammy/types';
import { isForum } from './context';
import { documentOf, photoSizesOf, storeFile } from './file-registry';
import { formatUserText } from './formatted-text';
import { imageInfo } from './image-info';
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
}

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
    const update = this.queue.push({ callback_query: query });
    this.store.changed();
    return { callbackQueryId: id, update };
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
      if (!isForum(chat) || !topic || topic.deleted) {
        throw new Error(`no topic ${input.threadId} in chat ${input.chatId}`);
      }
    }
    if (chat.chat.type === 'private' && chat.chat.id !== input.from.id) {
      throw new Error(`user ${input.from.id} can't write in the private chat of ${chat.chat.id}`);
    }
    this.remember(input.from);
    const replyTo =
      input.replyToMessageId === undefined
        ? undefined
        : this.store.message(chat.chat.id, input.replyToMessageId);
    const text = typeof content['text'] === 'string' ? content['text'] : undefined;
    const stored = createMessage(this.store, {
      chat,
      from: this.user(input.from),
      fromBot: false,
      threadId: input.threadId === 1 ? undefined : input.threadId,
      replyTo,
      content,
      text,
      html: undefined,
      entities: (content['entities'] ?? content['caption_entities'] ?? []) as MessageEntity[],
      replyMarkup: undefined,
      now: this.now(),
    });
    const update = this.queue.push({ message: stored.message as Update['message'] & object });
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
