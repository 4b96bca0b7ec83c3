// Sends and edits Telegram messages through the outbox, as HTML with a plain-text fallback: if
// Telegram still rejects our HTML, the same text goes out without formatting, so text is never lost.
import { GrammyError, InputFile, type Api } from 'grammy';
import type { InlineKeyboardMarkup, Message } from 'grammy/types';
import type { Logger } from '../log';
import { htmlToPlainText } from './format';
import type { Outbox, Priority } from './outbox';

/** Where a message goes: a chat, or a forum topic inside it. */
export interface Place {
  chatId: number;
  threadId?: number | undefined;
}

export interface SendOptions {
  priority: Priority;
  replyToMessageId?: number | undefined;
  keyboard?: InlineKeyboardMarkup | undefined;
  /** Edits are silent; a send that should not buzz either (continuation chunks) can say so. */
  silent?: boolean | undefined;
}

let uniqueJobId = 0;

export class Messenger {
  private readonly sentListeners = new Set<(place: Place) => void>();

  constructor(
    readonly api: Api,
    readonly outbox: Outbox,
    private readonly log: Logger,
  ) {}

  /** Told after each message the bot sends (one clears the streaming draft of its place). */
  onMessageSent(listener: (place: Place) => void): () => void {
    this.sentListeners.add(listener);
    return () => this.sentListeners.delete(listener);
  }

  noteSent(place: Place): void {
    for (const listener of this.sentListeners) listener(place);
  }

  send(place: Place, html: string, options: SendOptions): Promise<Message.TextMessage> {
    return this.withPlainFallback(html, (text, parseMode) =>
      this.outbox.enqueue({
        key: `send:${++uniqueJobId}`,
        chatId: place.chatId,
        countsTowardChat: true,
        priority: options.priority,
        run: () => this.postMessage(place, text, parseMode, options),
      }),
    );
  }

  /**
   * Edits a message to what `render` returns at send time. Calls with the same `key` coalesce in
   * the outbox, so a burst of updates costs one edit carrying the newest text. `render` returns
   * undefined when the message already shows the newest text.
   */
  edit(
    place: Place,
    messageId: number,
    key: string,
    render: () => string | undefined,
    options: { priority: Priority; keyboard?: InlineKeyboardMarkup | undefined },
  ): Promise<void> {
    // The HTML Telegram refused, for the plain-text retry (a call of its own, paced like any other).
    let refused: string | undefined;
    const attempt = (plain: boolean) =>
      this.outbox.enqueue({
        key,
        chatId: place.chatId,
        countsTowardChat: true,
        priority: options.priority,
        run: async (call) => {
          const html = render() ?? (plain ? refused : undefined);
          // Nothing new to show: no request, and no slot of the chat's budget spent on it.
          if (html === undefined) return call.notSent();
          try {
            await this.api.editMessageText(
              place.chatId,
              messageId,
              plain ? htmlToPlainText(html) : html,
              {
                ...(plain ? {} : { parse_mode: 'HTML' as const }),
                ...(options.keyboard ? { reply_markup: options.keyboard } : {}),
                link_preview_options: { is_disabled: true },
              },
            );
          } catch (error) {
            if (isNotModified(error)) return;
            if (!plain && isEntityError(error)) refused = html;
            throw error;
          }
        },
      });
    return attempt(false).catch((error: unknown) => {
      if (!isEntityError(error) || refused === undefined) throw error;
      this.warnRefusedHtml(error);
      return attempt(true);
    });
  }

  /**
   * A message sent right after the documents it refers to, in one outbox job, so nothing else the
   * bridge sends can come between them; the message replies to the first document. A retry (429,
   * network) resends only what did not go out yet.
   */
  sendAfterDocuments(
    place: Place,
    documents: ReadonlyArray<{ bytes: Buffer; filename: string; captionHtml?: string }>,
    html: string,
    options: SendOptions,
  ): Promise<Message.TextMessage> {
    const sent: Message.DocumentMessage[] = [];
    return this.outbox.enqueue({
      key: `send:${++uniqueJobId}`,
      chatId: place.chatId,
      countsTowardChat: true,
      priority: options.priority,
      run: async () => {
        for (const document of documents.slice(sent.length)) {
          sent.push(
            await this.api.sendDocument(
              place.chatId,
              new InputFile(document.bytes, document.filename),
              {
                ...(place.threadId === undefined ? {} : { message_thread_id: place.threadId }),
                ...(document.captionHtml
                  ? { caption: document.captionHtml, parse_mode: 'HTML' as const }
                  : {}),
                ...(options.silent ? { disable_notification: true } : {}),
              },
            ),
          );
        }
        // Inside this one job: the buttons must not be separated from their file.
        const buttonsOptions = {
          ...options,
          replyToMessageId: sent[0]?.message_id ?? options.replyToMessageId,
        };
        return this.withPlainFallback(html, (text, parseMode) =>
          this.postMessage(place, text, parseMode, buttonsOptions),
        );
      },
    });
  }

  sendDocument(
    place: Place,
    bytes: Buffer,
    filename: string,
    options: {
      priority: SendOptions['priority'];
      captionHtml?: string | undefined;
      silent?: boolean | undefined;
    },
  ): Promise<Message.DocumentMessage> {
    return this.outbox.enqueue({
      key: `send:${++uniqueJobId}`,
      chatId: place.chatId,
      countsTowardChat: true,
      priority: options.priority,
      run: () =>
        this.api.sendDocument(place.chatId, new InputFile(bytes, filename), {
          ...(place.threadId === undefined ? {} : { message_thread_id: place.threadId }),
          ...(options.captionHtml
            ? { caption: options.captionHtml, parse_mode: 'HTML' as const }
            : {}),
        }),
    });
  }

  /** Any other message-producing call for a chat (topics, deletions), paced like the rest. */
  call<T>(chatId: number, priority: SendOptions['priority'], run: () => Promise<T>): Promise<T> {
    return this.outbox.enqueue({
      key: `call:${++uniqueJobId}`,
      chatId,
      countsTowardChat: true,
      priority,
      run,
    });
  }

  /** Keeps live edits out of the chat for `ms`: a final answer is about to go there. */
  holdLiveEdits(place: Place, ms: number): void {
    this.outbox.holdStream(place.chatId, ms);
  }

  /** "typing…" for the next 5 s; not charged to the chat's message budget. */
  typing(place: Place): Promise<void> {
    return this.outbox
      .enqueue({
        key: `typing:${place.chatId}:${place.threadId ?? ''}`,
        chatId: place.chatId,
        countsTowardChat: false,
        priority: 'stream',
        run: () =>
          this.api.sendChatAction(place.chatId, 'typing', {
            ...(place.threadId === undefined ? {} : { message_thread_id: place.threadId }),
          }),
      })
      .then(
        () => undefined,
        (error: unknown) => this.log.debug(`typing indicator failed: ${(error as Error).message}`),
      );
  }

  /** One sendMessage call, as HTML or (after Telegram refused the HTML) as plain text. */
  private async postMessage(
    place: Place,
    text: string,
    parseMode: 'HTML' | undefined,
    options: SendOptions,
  ): Promise<Message.TextMessage> {
    const message = await this.api.sendMessage(place.chatId, text, {
      ...(parseMode ? { parse_mode: parseMode } : {}),
      ...(place.threadId === undefined ? {} : { message_thread_id: place.threadId }),
      ...(options.replyToMessageId === undefined
        ? {}
        : {
            reply_parameters: {
              message_id: options.replyToMessageId,
              allow_sending_without_reply: true,
            },
          }),
      ...(options.keyboard ? { reply_markup: options.keyboard } : {}),
      ...(options.silent ? { disable_notification: true } : {}),
      link_preview_options: { is_disabled: true },
    });
    this.noteSent(place);
    return message;
  }

  /**
   * `call` goes through the outbox; if Telegram rejects the HTML, the plain-text retry is another
   * outbox call, so it keeps the chat's interval instead of following at once.
   */
  private async withPlainFallback<T>(
    html: string,
    call: (text: string, parseMode: 'HTML' | undefined) => Promise<T>,
  ): Promise<T> {
    try {
      return await call(html, 'HTML');
    } catch (error) {
      if (!isEntityError(error)) throw error;
      this.warnRefusedHtml(error);
      return call(htmlToPlainText(html), undefined);
    }
  }

  private warnRefusedHtml(error: unknown): void {
    this.log.warn(
      `Telegram rejected our HTML (${(error as GrammyError).description}); sending plain text.`,
    );
  }
}

export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.description.includes('message is not modified');
}

function isEntityError(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /can't parse entities|unsupported start tag|can't find end tag/i.test(error.description)
  );
}
