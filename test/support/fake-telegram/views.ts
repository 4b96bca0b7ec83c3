// Read-only views of bot output for assertions: the current state of each message plus its
// history, without the test having to dig through raw Message JSON.
import type { InlineKeyboardMarkup, Message, MessageEntity, PhotoSize } from 'grammy/types';
import type { MessageVersion, RichVersion, Store, StoredMessage } from './store';

export interface DocumentView {
  fileId: string;
  fileName: string | undefined;
  mimeType: string | undefined;
  size: number;
  bytes: Buffer;
}

export interface MessageView {
  chatId: number;
  messageId: number;
  /** Undefined for private chats and the General topic. */
  threadId: number | undefined;
  fromBot: boolean;
  /** Unix seconds, as in Message.date. */
  date: number;
  /** Current text (text messages) after entity parsing. */
  text: string | undefined;
  caption: string | undefined;
  /** The HTML source the current version was sent with (parse_mode HTML only). */
  html: string | undefined;
  entities: MessageEntity[];
  replyMarkup: InlineKeyboardMarkup | undefined;
  /** reply_markup exactly as sent (reply keyboards are not echoed on the Message). */
  rawReplyMarkup: unknown;
  document: DocumentView | undefined;
  photo: PhotoSize[] | undefined;
  /** Current rich content (sendRichMessage / rich edits): blocks, plain text, input form. */
  rich: RichVersion | undefined;
  /** What the user reads as plain text: the text, the caption, or the rich plain rendering. */
  plainText: string;
  /** Every version oldest first, with timestamps in ms; the last is current. */
  history: MessageVersion[];
  editCount: number;
  deleted: boolean;
  /** The Message object as the Bot API returns it now. */
  raw: Message;
}

export function viewOf(store: Store, stored: StoredMessage): MessageView {
  const message = stored.message;
  const current = stored.history.at(-1)!;
  const document = message.document;
  const file = document ? store.files.get(document.file_id) : undefined;
  return {
    chatId: stored.chatId,
    messageId: stored.messageId,
    threadId: stored.threadId,
    fromBot: stored.fromBot,
    date: message.date,
    text: message.text,
    caption: message.caption,
    html: current.html,
    entities: current.entities,
    replyMarkup: current.replyMarkup,
    rawReplyMarkup: stored.rawReplyMarkup,
    document:
      document && file
        ? {
            fileId: document.file_id,
            fileName: document.file_name,
            mimeType: document.mime_type,
            size: file.data.length,
            bytes: file.data,
          }
        : undefined,
    photo: message.photo,
    rich: current.rich,
    plainText: current.rich?.plainText ?? message.text ?? message.caption ?? '',
    history: stored.history,
    editCount: stored.history.length - 1,
    deleted: stored.deleted,
    raw: message,
  };
}

/** Topic-created and other service messages are not content. */
export function isContent(stored: StoredMessage): boolean {
  return !('forum_topic_created' in stored.message);
}
