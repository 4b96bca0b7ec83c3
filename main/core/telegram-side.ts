// The bridge's Telegram side: the bot and its outbox, the allowlist gate in front of every update,
// the long-poll loop with its saved offset and redelivery guard, the command menu, and leaving
// groups that are not allowed. What an admitted update does is the features' business
// (feature-set.ts).
import { Bot } from 'grammy';
import type { Message, Update } from 'grammy/types';
import type { BridgeSettings } from './bridge-api';
import type { BridgeContext, CommandInfo } from './context';
import { toError } from './errors';
import { reply } from './features/prompt';
import type { LogHub, Logger } from './log';
import { redactDeep } from './redact';
import type { StateStore } from './state-store';
import type { BridgeStatus } from './status';
import { accessRules, decideAccess, type ChatToLeave } from './telegram/access';
import { commandWordOf } from './telegram/commands';
import { Messenger, type Place } from './telegram/messenger';
import { classifyTelegramError, createOutbox, type Outbox } from './telegram/outbox';
import { TelegramPoller } from './telegram/poller';

// my_chat_member: told when someone adds the bot to a group, so it can leave one not allowed.
// stopped_message_generation: Stop pressed on a streaming draft.
const ALLOWED_UPDATES = [
  'message',
  'callback_query',
  'my_chat_member',
  'stopped_message_generation',
] as const;
const HANDLED_UPDATES_KEPT = 200;
/** Longest wait for one Bot API call (an upload included); more means the connection is dead. */
const TELEGRAM_REQUEST_TIMEOUT_S = 120;

/** What the Telegram side needs from the bridge that hosts it. */
export interface TelegramHost {
  settings: BridgeSettings;
  hub: LogHub;
  store: StateStore;
  running(): boolean;
  status(): BridgeStatus;
  setStatus(change: Partial<BridgeStatus>): void;
  /** The commands of the menu, in order (known once the features are installed). */
  commands(): CommandInfo[];
}

export class TelegramSide {
  readonly bot: Bot;
  readonly outbox: Outbox;
  readonly messenger: Messenger;
  private readonly log: Logger;
  private poller: TelegramPoller | undefined;
  private context: BridgeContext | undefined;
  /** Updates the allowlist let through, while they are handled: the rest changed nothing. */
  private readonly admitted = new Set<number>();
  /** Chats left during this run: updates still queued from them are dropped without a word. */
  private readonly leftChats = new Set<number>();
  /** Chats whose command menu could not be set (a user not met yet): set again when they write. */
  private readonly menuMissing = new Set<number>();

  constructor(private readonly host: TelegramHost) {
    const s = host.settings;
    this.bot = new Bot(s.telegramBotToken, {
      // grammY waits 500 s by default: a send stuck on a dead connection would hold its chat's
      // queue that long. Long polls have their own, shorter deadline (see poller.ts).
      client: { apiRoot: s.telegramApiRoot, timeoutSeconds: TELEGRAM_REQUEST_TIMEOUT_S },
    });
    // Every text the bot sends (answers, errors quoted in chat, captions, topic names) is redacted
    // on its way out, whichever feature sent it.
    this.bot.api.config.use((call, method, payload, signal) =>
      call(method, redactDeep(payload, host.hub.redact), signal),
    );
    this.log = host.hub.logger('telegram');
    const tgLog = this.log;
    this.outbox = createOutbox({
      limits: { chatIntervalMs: s.editIntervalMs },
      classify: classifyTelegramError,
      onRateLimited: (chatId, seconds) =>
        tgLog.warn(`Telegram rate limit hit for chat ${chatId ?? '(bot)'}; pausing ${seconds} s.`),
    });
    this.messenger = new Messenger(this.bot.api, this.outbox, tgLog);
  }

  /**
   * The allowlists are the security boundary: a stranger, or anyone in a group that is not
   * allowed, gets no effect and no reply; the bot leaves such a group. Installed before anything
   * else handles an update.
   */
  installGate(context: BridgeContext): void {
    this.context = context;
    const rules = accessRules(this.host.settings);
    this.bot.use(async (ctx, next) => {
      const access = decideAccess(ctx.update, rules);
      if (access.kind === 'leave') return this.leaveChat(access.chat);
      if (access.kind === 'ignore') {
        if (access.log) this.log.warn(access.log);
        return;
      }
      const chatId = ctx.chat?.id;
      if (chatId !== undefined && this.menuMissing.delete(chatId)) void this.setMenu(chatId);
      await next();
    });
    // Past the allowlist: the update may change something, so its offset is saved at once.
    this.bot.use(async (ctx, next) => {
      this.admitted.add(ctx.update.update_id);
      await next();
    });
  }

  async connect(): Promise<void> {
    const { bot, log: tgLog, host } = this;
    // getMe doubles as the token check; the poller then reports 401/409/network problems itself.
    for (let attempt = 0; host.running(); attempt++) {
      try {
        await bot.init();
        break;
      } catch (error) {
        const e = toError(error) as Error & { error_code?: number };
        if (e.error_code === 401 || e.error_code === 404) {
          const reason =
            'Telegram rejected the bot token (401 Unauthorized). Copy the token again from @BotFather into TELEGRAM_BOT_TOKEN.';
          tgLog.error(reason);
          host.setStatus({ telegram: { kind: 'error', reason, fatal: true } });
          return;
        }
        if (attempt === 0) {
          tgLog.error(
            `Cannot reach Telegram at ${host.settings.telegramApiRoot} (${e.message}); retrying.`,
          );
        }
        host.setStatus({ telegram: { kind: 'error', reason: e.message } });
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** attempt)));
      }
    }
    if (!host.running()) return;
    tgLog.info(`Connected to Telegram as @${bot.botInfo.username}`);
    host.setStatus({ telegram: { kind: 'connected', botUsername: bot.botInfo.username } });
    void this.registerCommands();
    const { store } = host;
    this.poller = new TelegramPoller({
      api: bot.api,
      apiRoot: host.settings.telegramApiRoot,
      log: tgLog,
      initialOffset: store.current.telegramOffset,
      allowedUpdates: ALLOWED_UPDATES,
      handle: async (update: Update) => {
        const id = update.update_id;
        // Telegram delivers an update again when the bridge stopped before the offset passed it:
        // one whose effect began (a prompt sent) or that was done is skipped, not run twice.
        if (store.current.handledUpdates.includes(id)) {
          await this.skipRedelivered(update);
          return 'handled';
        }
        let admitted = false;
        try {
          await bot.handleUpdate(update);
        } finally {
          // Done, yet the offset may not pass it (an earlier update of another chat still runs).
          admitted = this.admitted.delete(id);
          if (admitted) await this.rememberUpdate(id);
        }
        return admitted ? 'handled' : 'ignored';
      },
      saveOffset: (offset) =>
        store.update((state) => {
          state.telegramOffset = offset;
          // Telegram never delivers an update below the offset again.
          state.handledUpdates = state.handledUpdates.filter((id) => id >= offset);
        }),
      onState: (state) => {
        if (state.kind === 'polling') {
          if (host.status().telegram.kind !== 'connected') {
            host.setStatus({ telegram: { kind: 'connected', botUsername: bot.botInfo.username } });
          }
        } else {
          host.setStatus({ telegram: { kind: 'error', reason: state.reason, fatal: state.fatal } });
        }
      },
    });
    this.poller.start();
  }

  restartPoll(): void {
    this.poller?.restartPoll();
  }

  async stopPolling(): Promise<void> {
    await this.poller?.stop();
  }

  /** Adds an update id to those a redelivery skips, on disk before it resolves; never rejects. */
  async rememberUpdate(updateId: number): Promise<void> {
    const { store } = this.host;
    if (store.current.handledUpdates.includes(updateId)) return;
    try {
      await store.update((state) => {
        state.handledUpdates = [...state.handledUpdates, updateId].slice(-HANDLED_UPDATES_KEPT);
      });
    } catch (error) {
      // Going on is better than dropping the user's message; a crash now could repeat it.
      this.host.hub
        .logger('bridge')
        .warn(`Could not record update ${updateId}: ${toError(error).message}`);
    }
  }

  /**
   * A message that went to the agent before a crash gets a word in the chat (its answer is
   * followed after the restart, but the user may wonder why the bridge said nothing else);
   * anything else (a button press long expired, a command) is only logged.
   */
  private async skipRedelivered(update: Update): Promise<void> {
    this.log.info(
      `Skipped update ${update.update_id}: it was handled before the bridge restarted.`,
    );
    const message: Message | undefined = update.message;
    const context = this.context;
    if (!message || !context) return;
    const text = message.text ?? message.caption;
    if (text === undefined) return;
    if (commandWordOf(text, message.entities, this.bot.botInfo.username).kind !== 'none') return;
    const place: Place = {
      chatId: message.chat.id,
      threadId: message.is_topic_message ? message.message_thread_id : undefined,
    };
    await reply(
      context,
      place,
      'This message went to the agent before the bridge restarted, so it was not sent again.',
      message.message_id,
    );
  }

  /**
   * Puts the commands in Telegram's menu of each allowlisted user's private chat (its id is the
   * user's) and of each allowed group, and nowhere else: the default scope would show it in every
   * chat, so what older versions put there is deleted.
   */
  private async registerCommands(): Promise<void> {
    const { bot, log: tgLog } = this;
    const clearDefault = this.outbox
      .enqueue({
        key: 'deleteMyCommands:default',
        countsTowardChat: false,
        priority: 'interactive',
        run: () => bot.api.deleteMyCommands({ scope: { type: 'default' } }),
      })
      .catch((error: unknown) =>
        tgLog.warn(`Could not delete the old command menu: ${toError(error).message}`),
      );
    const { allowedUserIds, allowedChatIds } = this.host.settings;
    await Promise.all([
      clearDefault,
      ...[...allowedUserIds, ...allowedChatIds].map((id) => this.setMenu(id)),
    ]);
  }

  private async setMenu(chatId: number): Promise<void> {
    const commands = this.host.commands();
    try {
      await this.outbox.enqueue({
        key: `setMyCommands:${chatId}`,
        countsTowardChat: false,
        priority: 'interactive',
        run: () =>
          this.bot.api.setMyCommands(commands, { scope: { type: 'chat', chat_id: chatId } }),
      });
      this.menuMissing.delete(chatId);
    } catch (error) {
      // Telegram knows a user's private chat only once they have messaged the bot: the menu is
      // set again when they do.
      this.menuMissing.add(chatId);
      this.log.warn(`Could not put the command menu in chat ${chatId}: ${toError(error).message}`);
    }
  }

  /** Leaves a group that is not allowed; says so once, with the id to allow it by. */
  private async leaveChat(chat: ChatToLeave): Promise<void> {
    if (this.leftChats.has(chat.id) && !chat.added) return;
    this.leftChats.add(chat.id);
    const name = chat.title ? ` ${JSON.stringify(chat.title.slice(0, 64))}` : '';
    this.log.warn(
      `Leaving the ${chat.kind}${name} (chat id ${chat.id}): it is not in TELEGRAM_ALLOWED_CHATS. ` +
        `To use the bot there, add ${chat.id} to TELEGRAM_ALLOWED_CHATS (in the app: Allowed groups) and add the bot again.`,
    );
    try {
      await this.outbox.enqueue({
        key: `leaveChat:${chat.id}`,
        chatId: chat.id,
        countsTowardChat: false,
        priority: 'interactive',
        run: () => this.bot.api.leaveChat(chat.id),
      });
    } catch (error) {
      this.leftChats.delete(chat.id);
      this.log.warn(`Could not leave chat ${chat.id}: ${toError(error).message}`);
    }
  }
}
