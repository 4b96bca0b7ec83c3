// Shared mechanics of the prompts the agent raises (permissions, questions): one message per
// request with buttons, deduplicated by request id, updated when the request is answered anywhere,
// and re-read after a reconnect. The permission and question features add what differs.
import type { Context } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { BridgeContext } from '../context';
import { toError } from '../errors';
import type { PromptRecord } from '../state-store';
import type { Place } from '../telegram/messenger';
import { promptDestinations } from './prompt-destinations';

/** The exact text of a prompt too long for one message, sent as a .txt document with it. */
export interface PromptFile {
  name: string;
  text: string;
  captionHtml: string;
}

export interface PromptContent {
  html: string;
  keyboard: InlineKeyboardMarkup;
  files?: readonly PromptFile[] | undefined;
  extra?: Partial<PromptRecord>;
}

export class PendingPrompts {
  /** Requests being shown right now (send in flight), so a quick "replied" waits for the message. */
  private readonly showing = new Map<string, Promise<PromptRecord | undefined>>();
  /**
   * Requests the phone answered (or is answering): their "replied" event is our own echo. Kept
   * until the prompt is settled, since the echo may arrive after OpenCode took the answer.
   */
  private readonly answering = new Set<string>();

  constructor(
    private readonly context: BridgeContext,
    private readonly kind: PromptRecord['kind'],
  ) {}

  get(requestId: string): PromptRecord | undefined {
    return this.context.store.current.prompts[requestId];
  }

  all(): PromptRecord[] {
    return Object.values(this.context.store.current.prompts).filter((p) => p.kind === this.kind);
  }

  /** The prompt shown in this chat or topic, if any (a desk prompt may be shown in several). */
  shownIn(place: Place): PromptRecord | undefined {
    return this.all().find((p) =>
      [p, ...(p.copies ?? [])].some(
        (c) => c.chatId === place.chatId && c.threadId === place.threadId,
      ),
    );
  }

  /** Sends the prompt once per request id; returns its record. */
  show(
    requestId: string,
    sessionId: string,
    build: (token: string, directory: string | undefined) => PromptContent,
  ): Promise<PromptRecord | undefined> {
    const existing = this.showing.get(requestId);
    if (existing) return existing;
    const recorded = this.get(requestId);
    if (recorded) return Promise.resolve(recorded);
    const shown = this.send(requestId, sessionId, build).finally(() =>
      this.showing.delete(requestId),
    );
    this.showing.set(requestId, shown);
    return shown;
  }

  private async send(
    requestId: string,
    sessionId: string,
    build: (token: string, directory: string | undefined) => PromptContent,
  ): Promise<PromptRecord | undefined> {
    const { context } = this;
    const { places, directory, header } = await promptDestinations(
      context,
      requestId,
      sessionId,
      () => void this.show(requestId, sessionId, build),
    );
    const [first] = places;
    if (!first) return undefined;
    const token = await context.buttons.register({
      kind: this.kind,
      chatId: first.chatId,
      ...(places.length > 1 ? { chatIds: places.map((p) => p.chatId) } : {}),
      payload: directory ? { requestId, directory } : { requestId },
    });
    const { html, keyboard, files = [], extra } = build(token, directory);
    const shown = header ? `${header}\n\n${html}` : html;
    const sent = await Promise.allSettled(
      places.map((place) => this.sendTo(place, shown, keyboard, files)),
    );
    const delivered = places.flatMap((place, i) => {
      const result = sent[i];
      if (result?.status === 'fulfilled') return [{ ...place, messageId: result.value }];
      context
        .logger('telegram')
        .error(
          `Could not show ${this.kind} ${requestId} in chat ${place.chatId}: ${toError(result?.reason).message}`,
        );
      return [];
    });
    const [primary, ...copies] = delivered;
    if (!primary) {
      await context.buttons.revoke(token);
      return undefined;
    }
    const record: PromptRecord = {
      kind: this.kind,
      requestId,
      sessionId,
      chatId: primary.chatId,
      threadId: primary.threadId,
      messageId: primary.messageId,
      token,
      html,
      ...(header ? { header } : {}),
      ...(copies.length > 0 ? { copies } : {}),
      ...extra,
    };
    await context.store.update((state) => void (state.prompts[requestId] = record));
    const attached =
      files.length > 0 ? ` (full text attached: ${files.map((f) => f.name).join(', ')})` : '';
    for (const place of delivered) {
      context
        .logger('bridge')
        .info(`Asked chat ${place.chatId} about ${this.kind} ${requestId}${attached}`);
    }
    context.statusChanged();
    return record;
  }

  /** One copy of a prompt; resolves with the id of its buttons message. */
  private async sendTo(
    place: Place,
    html: string,
    keyboard: InlineKeyboardMarkup,
    files: readonly PromptFile[],
  ): Promise<number> {
    const { messenger } = this.context;
    // The files go in the same outbox job, right before the buttons message, which replies to
    // them: nothing can come between them. Not the buttons as the document's caption: a caption
    // holds 1,024 characters (too few for the prompt's other lines), and the prompt is later
    // edited as text (editMessageText) to show the outcome.
    const message =
      files.length === 0
        ? await messenger.send(place, html, { priority: 'prompt', keyboard })
        : await messenger.sendAfterDocuments(
            place,
            files.map((f) => ({
              bytes: Buffer.from(f.text, 'utf8'),
              filename: f.name,
              captionHtml: f.captionHtml,
            })),
            html,
            { priority: 'prompt', keyboard },
          );
    return message.message_id;
  }

  /**
   * Sends the phone's answer in the folder of the prompt's session: OpenCode 1.x keeps pending
   * requests per project folder and does not find them elsewhere.
   */
  answerInOpencode(
    record: PromptRecord,
    answer: (directory: string | undefined) => Promise<void>,
  ): Promise<void> {
    const directory = this.context.store.current.buttons[record.token]?.payload['directory'];
    return this.whileAnswering(record.requestId, () =>
      answer(typeof directory === 'string' ? directory : undefined),
    );
  }

  /**
   * Runs the phone's answer; OpenCode's echo of it is not taken for a desk answer, neither while
   * the answer is on its way nor after it was taken (until `settle` shows the phone's outcome).
   */
  private async whileAnswering<T>(requestId: string, answer: () => Promise<T>): Promise<T> {
    this.answering.add(requestId);
    try {
      return await answer();
    } catch (error) {
      this.answering.delete(requestId);
      throw error;
    }
  }

  /**
   * Answers a button press, so the phone stops its spinner. Telegram expires presses after a
   * while (e.g. when OpenCode was slow to take the answer): that must not stop the prompt from
   * showing the outcome.
   */
  async answerPress(ctx: Context, text?: string): Promise<void> {
    try {
      await ctx.answerCallbackQuery(text === undefined ? undefined : { text: text.slice(0, 200) });
    } catch (error) {
      this.context
        .logger('telegram')
        .warn(`Could not answer a button press: ${toError(error).message}`);
    }
  }

  /** Updates the prompt's message (text and buttons) in place, in every chat that shows it. */
  async update(
    record: PromptRecord,
    html: string,
    keyboard?: InlineKeyboardMarkup,
    // The next question of a request blocks the agent like a new prompt; a decision shown under
    // an answered prompt does not, and must not take the slots kept for prompts.
    priority: 'prompt' | 'interactive' = 'prompt',
  ): Promise<void> {
    const shown = record.header ? `${record.header}\n\n${html}` : html;
    await Promise.all(
      [record, ...(record.copies ?? [])].map(async (copy) => {
        try {
          await this.context.messenger.edit(
            { chatId: copy.chatId, threadId: copy.threadId },
            copy.messageId,
            `prompt:${copy.chatId}:${copy.messageId}`,
            () => shown,
            { priority, keyboard },
          );
        } catch (error) {
          this.context
            .logger('telegram')
            .warn(`Could not update a prompt: ${toError(error).message}`);
        }
      }),
    );
  }

  async save(record: PromptRecord): Promise<void> {
    await this.context.store.update((state) => void (state.prompts[record.requestId] = record));
  }

  /** Ends a prompt: shows the outcome under its text, removes the buttons, forgets the request. */
  async settle(requestId: string, outcomeHtml: string): Promise<void> {
    this.context.desk?.release(requestId);
    const record = this.get(requestId) ?? (await this.showing.get(requestId));
    this.answering.delete(requestId);
    if (!record || !this.get(requestId)) return;
    await this.context.store.update((state) => void delete state.prompts[requestId]);
    await this.context.buttons.revoke(record.token);
    this.context.statusChanged();
    await this.update(record, `${record.html}\n\n${outcomeHtml}`, undefined, 'interactive');
  }

  /** OpenCode says the request was answered; if the phone did not answer it, the desk did. */
  async answeredElsewhere(requestId: string, outcomeHtml: string): Promise<void> {
    this.context.desk?.release(requestId);
    if (this.answering.has(requestId)) return;
    await this.settle(requestId, outcomeHtml);
  }

  /**
   * The requests pending in OpenCode (permissions or questions). OpenCode keeps them per project
   * folder, so every folder a chat works in is asked; a failure throws rather than giving a
   * partial list (which would settle prompts that are still open).
   */
  async pendingInOpencode<T extends { id: string }>(
    list: (directory: string) => Promise<T[]>,
  ): Promise<T[]> {
    const { chats, settings } = this.context;
    const folders = new Set([
      settings.defaultProject,
      ...chats.all().map((c) => c.directory),
      ...((await this.context.desk?.folders()) ?? []),
    ]);
    const byId = new Map<string, T>();
    for (const directory of folders) {
      for (const item of await list(directory)) {
        byId.set(item.id, item);
      }
    }
    return [...byId.values()];
  }

  /** After a reconnect: prompts whose request is no longer pending were answered meanwhile. */
  async forgetAllBut(pendingIds: ReadonlySet<string>, outcomeHtml: string): Promise<void> {
    for (const record of this.all()) {
      if (!pendingIds.has(record.requestId)) await this.settle(record.requestId, outcomeHtml);
    }
  }
}
