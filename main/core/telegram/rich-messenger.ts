// Streaming drafts and rich messages (Bot API 9.5–10.3), through the same outbox as every other
// call. A draft is not a message: it is not charged to the chat's message budget (the caller paces
// drafts, see turn/draft-pacing.ts), yet a 429 on it pauses the chat like any other.
import { GrammyError } from 'grammy';
import type { InputRichBlock, InputRichMessageWithoutUpload, Message } from 'grammy/types';
import { htmlToPlainText } from './format';
import type { Messenger, Place, SendOptions } from './messenger';
import type { Priority } from './outbox';

/** What a draft shows: rich blocks, or HTML (a server or chat without rich drafts). */
export type DraftContent =
  { kind: 'rich'; blocks: InputRichBlock[] } | { kind: 'html'; html: string };

let uniqueJobId = 0;

const thread = (place: Place) =>
  place.threadId === undefined ? {} : { message_thread_id: place.threadId };

export class RichMessenger {
  constructor(private readonly messenger: Messenger) {}

  /**
   * Shows `render()`'s content (rendered at send time; undefined: nothing new) under `draftId`.
   * Calls for the same draft coalesce: a burst costs one call carrying the newest content.
   */
  draft(
    place: Place,
    draftId: number,
    render: () => DraftContent | undefined,
    options: { canStop: boolean },
  ): Promise<void> {
    const { api, outbox } = this.messenger;
    const stop = options.canStop ? { can_stop: true } : {};
    return outbox.enqueue({
      key: `draft:${place.chatId}:${place.threadId ?? ''}:${draftId}`,
      chatId: place.chatId,
      countsTowardChat: false,
      priority: 'stream',
      run: async () => {
        const content = render();
        if (!content) return;
        if (content.kind === 'rich') {
          await api.sendRichMessageDraft(
            place.chatId,
            draftId,
            { blocks: content.blocks } as InputRichMessageWithoutUpload,
            { ...thread(place), ...stop },
          );
          return;
        }
        try {
          await api.sendMessageDraft(place.chatId, draftId, content.html, {
            ...thread(place),
            ...stop,
            parse_mode: 'HTML',
          });
        } catch (error) {
          if (!isEntityError(error)) throw error;
          await api.sendMessageDraft(place.chatId, draftId, htmlToPlainText(content.html), {
            ...thread(place),
            ...stop,
          });
        }
      },
    });
  }

  send(
    place: Place,
    blocks: InputRichBlock[],
    options: Omit<SendOptions, 'keyboard'>,
  ): Promise<Message.RichMessageMessage> {
    const { api, outbox } = this.messenger;
    return outbox.enqueue({
      key: `send-rich:${++uniqueJobId}`,
      chatId: place.chatId,
      countsTowardChat: true,
      priority: options.priority,
      run: async () => {
        const message = await api.sendRichMessage(
          place.chatId,
          { blocks },
          {
            ...thread(place),
            ...(options.replyToMessageId === undefined
              ? {}
              : {
                  reply_parameters: {
                    message_id: options.replyToMessageId,
                    allow_sending_without_reply: true,
                  },
                }),
            ...(options.silent ? { disable_notification: true } : {}),
          },
        );
        this.messenger.noteSent(place);
        return message;
      },
    });
  }

  /** Replaces a message's content with rich blocks; `key` coalesces with its pending edits. */
  edit(
    place: Place,
    messageId: number,
    key: string,
    blocks: InputRichBlock[],
    priority: Priority,
  ): Promise<void> {
    const { api, outbox } = this.messenger;
    return outbox.enqueue({
      key,
      chatId: place.chatId,
      countsTowardChat: true,
      priority,
      run: async () => {
        try {
          await api.editMessageText(place.chatId, messageId, { blocks });
        } catch (error) {
          if (error instanceof GrammyError && error.description.includes('not modified')) return;
          throw error;
        }
      },
    });
  }
}

function isEntityError(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /can't parse entities|unsupported start tag|can't find end tag/i.test(error.description)
  );
}
