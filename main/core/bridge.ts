// The bridge core: wires Telegram polling, the OpenCode event stream, the state store, the outbox
// and the features, and owns their lifecycle. Hosted by the headless CLI and by the menu-bar app
// alike; it imports nothing from electron.
import { randomBytes } from 'node:crypto';
import { Bot, type Context } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { fetch as undiciFetch } from 'undici';
import type { BridgeHost, BridgeSettings } from './bridge-api';
import { ChatDirectory } from './chats';
import type { BridgeContext, CommandInfo, Feature } from './context';
import { placeOf } from './context';
import { toError } from './errors';
import { createAway } from './away/away-router';
import type { Presence } from './away/presence';
import { deskSessionsFeature } from './features/desk-sessions';
import { diffFeature } from './features/diff';
import { filesFeature } from './features/files';
import { helpFeature, reasoningFeature } from './features/help';
import { modelsFeature } from './features/models';
import { NO_LONGER_VALID, permissionsFeature } from './features/permissions';
import { projectsFeature } from './features/projects';
import { reply, sendPrompt } from './features/prompt';
import { questionsFeature } from './features/questions';
import { sessionsFeature } from './features/sessions';
import { staleFeature } from './features/stale';
import { topicsFeature } from './features/topics';
import { voiceFeature, type UserTextHandler } from './features/voice';
import { ButtonRegistry } from './interaction/buttons';
import type { LogHub, Logger } from './log';
import { createLogHub } from './log';
import type { EventBatch, EventFeed, OpencodeAdapter } from './opencode/adapter';
import { createOpencodeAdapter } from './opencode/adapter';
import type { FetchLike } from './opencode/client';
import { OpencodeServerProcess } from './opencode/server-process';
import { redactDeep } from './redact';
import { StateStore } from './state-store';
import type { BridgeStatus, FollowedSession, LogEntry } from './status';
import { initialStatus } from './status';
import { accessRules, decideAccess, type ChatToLeave } from './telegram/access';
import { commandWordOf } from './telegram/commands';
import { escapeHtml } from './telegram/format';
import { Messenger, type Place } from './telegram/messenger';
import { classifyTelegramError, createOutbox, type Outbox } from './telegram/outbox';
import { TelegramPoller } from './telegram/poller';
import { TurnRegistry } from './turn/turns';

export interface BridgeDeps {
  logHub?: LogHub;
  fetch?: FetchLike;
  now?: () => number;
  /** Whether the owner is at the desk (the menu-bar app); without it, BRIDGE_NOTIFY alone decides. */
  presence?: Presence;
}

// my_chat_member: told when someone adds the bot to a group, so it can leave one not allowed.
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;
const HANDLED_UPDATES_KEPT = 200;
/** A resync that fails right after a connect (OpenCode still booting) is retried this often. */
const RESYNC_ATTEMPTS = 5;
const RESYNC_RETRY_MS = 3000;
/** Longest wait for one Bot API call (an upload included); more means the connection is dead. */
const TELEGRAM_REQUEST_TIMEOUT_S = 120;

export function createBridge(settings: BridgeSettings, deps: BridgeDeps = {}): Bridge {
  return new Bridge(settings, deps);
}

export class Bridge implements BridgeHost {
  private readonly hub: LogHub;
  private readonly log: Logger;
  private readonly fetchImpl: FetchLike;
  private readonly now: () => number;
  private readonly presence: Presence | undefined;
  private readonly store: StateStore;
  private readonly listeners = new Set<(status: BridgeStatus) => void>();
  private current: BridgeStatus = initialStatus;
  /** Titles of the sessions chats follow (only those: the server may hold thousands). */
  private readonly titles = new Map<string, string>();
  private readonly eventTypesReported = new Set<string>();
  /** Updates the allowlist let through, while they are handled: the rest changed nothing. */
  private readonly admitted = new Set<number>();

  private server: OpencodeServerProcess | undefined;
  private events: EventFeed | undefined;
  private poller: TelegramPoller | undefined;
  private outbox: Outbox | undefined;
  private context: BridgeContext | undefined;
  private features: Feature[] = [];
  private running = false;
  /** Chats left during this run: updates still queued from them are dropped without a word. */
  private readonly leftChats = new Set<number>();
  /** Chats whose command menu could not be set (a user not met yet): set again when they write. */
  private readonly menuMissing = new Set<number>();
  /** Counts event-stream connections, so a resync retry knows when a newer one took over. */
  private connections = 0;

  constructor(
    private readonly settings: BridgeSettings,
    deps: BridgeDeps,
  ) {
    this.hub = deps.logHub ?? createLogHub();
    this.hub.addSecret(settings.telegramBotToken);
    this.addPassword(settings.opencodePassword);
    this.hub.addSecret(settings.transcription?.key);
    this.log = this.hub.logger('bridge');
    this.fetchImpl = deps.fetch ?? (undiciFetch as unknown as FetchLike);
    this.now = deps.now ?? Date.now;
    this.presence = deps.presence;
    this.store = StateStore.inDir(settings.stateDir, { log: this.hub.logger('state') });
  }

  status(): BridgeStatus {
    return this.current;
  }

  onStatus(listener: (status: BridgeStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onLog(listener: (entry: LogEntry) => void): () => void {
    return this.hub.addSink(listener);
  }

  /** The password, and the `user:password` pair whose base64 is the Basic-auth header. */
  private addPassword(password: string | undefined): void {
    this.hub.addSecret(password);
    if (password) this.hub.addSecret(`${this.settings.opencodeUsername}:${password}`);
  }

  private setStatus(change: Partial<BridgeStatus>): void {
    // Reasons quote errors, and errors may quote a request URL with the token in it.
    this.current = redactDeep({ ...this.current, ...change }, this.hub.redact);
    for (const listener of this.listeners) listener(this.current);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const s = this.settings;
    await this.store.load();
    this.setStatus({ notice: this.store.notice });
    this.log.info(
      `State in ${this.store.path}; ${Object.keys(this.store.current.chats).length} chat(s) known.`,
    );

    // OpenCode: attach to a running server, or launch our own on the pinned port.
    let password = s.opencodePassword;
    const baseUrl = s.opencodeUrl ?? `http://127.0.0.1:${s.opencodePort}`;
    if (!s.opencodeUrl && !password) {
      password = randomBytes(24).toString('base64url');
      this.addPassword(password);
      this.log.info('Generated a password for the OpenCode server this bridge launches.');
    }
    const client = createOpencodeAdapter(
      { baseUrl, username: s.opencodeUsername, password, fetch: this.fetchImpl },
      {
        fetch: this.fetchImpl,
        log: this.hub.logger('opencode'),
        setting: s.opencodeUrl ? 'OPENCODE_URL' : 'OPENCODE_BIN',
      },
    );
    this.setStatus({
      running: true,
      opencode: { kind: 'connecting', url: baseUrl },
      telegram: { kind: 'connecting' },
    });
    if (!s.opencodeUrl) await this.launchOpencode(client, password as string);
    else if (!password) {
      this.log.warn(
        `Attaching to ${baseUrl} without a password: anyone who can reach it can drive OpenCode. ` +
          'Set OPENCODE_SERVER_PASSWORD on the server and here.',
      );
    }

    // Telegram.
    const bot = new Bot(s.telegramBotToken, {
      // grammY waits 500 s by default: a send stuck on a dead connection would hold its chat's
      // queue that long. Long polls have their own, shorter deadline (see poller.ts).
      client: { apiRoot: s.telegramApiRoot, timeoutSeconds: TELEGRAM_REQUEST_TIMEOUT_S },
    });
    // Every text the bot sends (answers, errors quoted in chat, captions, topic names) is redacted
    // on its way out, whichever feature sent it.
    bot.api.config.use((call, method, payload, signal) =>
      call(method, redactDeep(payload, this.hub.redact), signal),
    );
    const tgLog = this.hub.logger('telegram');
    this.outbox = createOutbox({
      limits: { chatIntervalMs: s.editIntervalMs },
      classify: classifyTelegramError,
      onRateLimited: (chatId, seconds) =>
        tgLog.warn(`Telegram rate limit hit for chat ${chatId ?? '(bot)'}; pausing ${seconds} s.`),
    });
    const messenger = new Messenger(bot.api, this.outbox, tgLog);
    const chats = new ChatDirectory(this.store, s.defaultProject);
    const turns = new TurnRegistry({
      messenger,
      client,
      chats,
      log: this.hub.logger('turn'),
      store: this.store,
      now: this.now,
      onChange: () => this.refreshSessions(),
    });
    const context: BridgeContext = {
      settings: s,
      logger: (scope) => this.hub.logger(scope),
      client,
      messenger,
      api: bot.api,
      store: this.store,
      chats,
      turns,
      buttons: new ButtonRegistry(this.store, this.now),
      now: this.now,
      statusChanged: () => this.refreshSessions(),
      // The reason the event stream is down, while it is (an old error is stale once it is open).
      opencodeProblem: () =>
        this.current.opencode.kind === 'error' && this.events?.isOpen() !== true
          ? this.current.opencode.reason
          : undefined,
      beforeSideEffect: (updateId) => this.rememberUpdate(updateId),
    };
    this.context = context;
    this.installFeatures(bot, context);
    this.refreshSessions();

    this.events = client.events({
      onEvents: (batch) => this.onOpencodeEvents(batch),
      onOpen: () => void this.onOpencodeConnected(++this.connections),
      onState: (state, error) => {
        if (state.kind === 'backoff' && error) {
          this.setStatus({ opencode: { kind: 'error', url: baseUrl, reason: error.message } });
        }
      },
    });
    this.events.start();
    void this.connectTelegram(bot, tgLog);
  }

  private async launchOpencode(client: OpencodeAdapter, password: string): Promise<void> {
    const s = this.settings;
    this.server = new OpencodeServerProcess({
      binary: s.opencodeBinary ?? 'opencode',
      port: s.opencodePort,
      username: s.opencodeUsername,
      password,
      cwd: s.defaultProject,
      log: this.hub.logger('opencode-server'),
      client,
      secrets: this.hub.secrets(),
    });
    try {
      await this.server.start();
      this.log.info(
        `OpenCode is serving at ${client.baseUrl}; at the desk run: opencode attach ${client.baseUrl}`,
      );
    } catch (error) {
      this.hub.logger('opencode').error(toError(error).message);
    }
  }

  private async connectTelegram(bot: Bot, tgLog: Logger): Promise<void> {
    // getMe doubles as the token check; the poller then reports 401/409/network problems itself.
    for (let attempt = 0; this.running; attempt++) {
      try {
        await bot.init();
        break;
      } catch (error) {
        const e = toError(error) as Error & { error_code?: number };
        if (e.error_code === 401 || e.error_code === 404) {
          const reason =
            'Telegram rejected the bot token (401 Unauthorized). Copy the token again from @BotFather into TELEGRAM_BOT_TOKEN.';
          tgLog.error(reason);
          this.setStatus({ telegram: { kind: 'error', reason, fatal: true } });
          return;
        }
        if (attempt === 0) {
          tgLog.error(
            `Cannot reach Telegram at ${this.settings.telegramApiRoot} (${e.message}); retrying.`,
          );
        }
        this.setStatus({ telegram: { kind: 'error', reason: e.message } });
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** attempt)));
      }
    }
    if (!this.running) return;
    tgLog.info(`Connected to Telegram as @${bot.botInfo.username}`);
    this.setStatus({ telegram: { kind: 'connected', botUsername: bot.botInfo.username } });
    void this.registerCommands(bot, tgLog);
    this.poller = new TelegramPoller({
      api: bot.api,
      apiRoot: this.settings.telegramApiRoot,
      log: tgLog,
      initialOffset: this.store.current.telegramOffset,
      allowedUpdates: ALLOWED_UPDATES,
      handle: async (update: Update) => {
        const id = update.update_id;
        // Telegram delivers an update again when the bridge stopped before the offset passed it:
        // one whose effect began (a prompt sent) or that was done is skipped, not run twice.
        if (this.store.current.handledUpdates.includes(id)) {
          await this.skipRedelivered(update, bot.botInfo.username, tgLog);
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
        this.store.update((state) => {
          state.telegramOffset = offset;
          // Telegram never delivers an update below the offset again.
          state.handledUpdates = state.handledUpdates.filter((id) => id >= offset);
        }),
      onState: (state) => {
        if (state.kind === 'polling') {
          if (this.current.telegram.kind !== 'connected') {
            this.setStatus({ telegram: { kind: 'connected', botUsername: bot.botInfo.username } });
          }
        } else {
          this.setStatus({ telegram: { kind: 'error', reason: state.reason, fatal: state.fatal } });
        }
      },
    });
    this.poller.start();
  }

  /** Adds an update id to those a redelivery skips, on disk before it resolves; never rejects. */
  private async rememberUpdate(updateId: number): Promise<void> {
    if (this.store.current.handledUpdates.includes(updateId)) return;
    try {
      await this.store.update((state) => {
        state.handledUpdates = [...state.handledUpdates, updateId].slice(-HANDLED_UPDATES_KEPT);
      });
    } catch (error) {
      // Going on is better than dropping the user's message; a crash now could repeat it.
      this.log.warn(`Could not record update ${updateId}: ${toError(error).message}`);
    }
  }

  /**
   * A message that went to the agent before a crash gets a word in the chat (its answer is
   * followed after the restart, but the user may wonder why the bridge said nothing else);
   * anything else (a button press long expired, a command) is only logged.
   */
  private async skipRedelivered(update: Update, botUsername: string, tgLog: Logger): Promise<void> {
    tgLog.info(`Skipped update ${update.update_id}: it was handled before the bridge restarted.`);
    const message: Message | undefined = update.message;
    const context = this.context;
    if (!message || !context) return;
    const text = message.text ?? message.caption;
    if (text === undefined) return;
    if (commandWordOf(text, message.entities, botUsername).kind !== 'none') return;
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
  private async registerCommands(bot: Bot, tgLog: Logger): Promise<void> {
    const clearDefault = this.outbox
      ?.enqueue({
        key: 'deleteMyCommands:default',
        countsTowardChat: false,
        priority: 'interactive',
        run: () => bot.api.deleteMyCommands({ scope: { type: 'default' } }),
      })
      .catch((error: unknown) =>
        tgLog.warn(`Could not delete the old command menu: ${toError(error).message}`),
      );
    const { allowedUserIds, allowedChatIds } = this.settings;
    await Promise.all([
      clearDefault,
      ...[...allowedUserIds, ...allowedChatIds].map((id) => this.setMenu(bot, tgLog, id)),
    ]);
  }

  private async setMenu(bot: Bot, tgLog: Logger, chatId: number): Promise<void> {
    const commands = this.commands();
    try {
      await this.outbox?.enqueue({
        key: `setMyCommands:${chatId}`,
        countsTowardChat: false,
        priority: 'interactive',
        run: () => bot.api.setMyCommands(commands, { scope: { type: 'chat', chat_id: chatId } }),
      });
      this.menuMissing.delete(chatId);
    } catch (error) {
      // Telegram knows a user's private chat only once they have messaged the bot: the menu is
      // set again when they do.
      this.menuMissing.add(chatId);
      tgLog.warn(`Could not put the command menu in chat ${chatId}: ${toError(error).message}`);
    }
  }

  /** Leaves a group that is not allowed; says so once, with the id to allow it by. */
  private async leaveChat(bot: Bot, tgLog: Logger, chat: ChatToLeave): Promise<void> {
    if (this.leftChats.has(chat.id) && !chat.added) return;
    this.leftChats.add(chat.id);
    const name = chat.title ? ` ${JSON.stringify(chat.title.slice(0, 64))}` : '';
    tgLog.warn(
      `Leaving the ${chat.kind}${name} (chat id ${chat.id}): it is not in TELEGRAM_ALLOWED_CHATS. ` +
        `To use the bot there, add ${chat.id} to TELEGRAM_ALLOWED_CHATS (in the app: Allowed groups) and add the bot again.`,
    );
    try {
      await this.outbox?.enqueue({
        key: `leaveChat:${chat.id}`,
        chatId: chat.id,
        countsTowardChat: false,
        priority: 'interactive',
        run: () => bot.api.leaveChat(chat.id),
      });
    } catch (error) {
      this.leftChats.delete(chat.id);
      tgLog.warn(`Could not leave chat ${chat.id}: ${toError(error).message}`);
    }
  }

  reconnect(): void {
    if (!this.running) return;
    this.log.info('Reconnecting to Telegram and OpenCode (the machine woke up).');
    this.poller?.restartPoll();
    this.events?.reconnect();
  }

  /** Sizes of what the bridge keeps in memory and in its state: each must stay bounded. */
  diagnostics(): Record<string, number> {
    const state = this.store.current;
    const sizes: Record<string, number> = {
      titles: this.titles.size,
      'state.chats': Object.keys(state.chats).length,
      'state.buttons': Object.keys(state.buttons).length,
      'state.prompts': Object.keys(state.prompts).length,
      'state.turns': Object.keys(state.turns).length,
      'state.handledUpdates': state.handledUpdates.length,
    };
    for (const [name, size] of Object.entries(this.context?.turns.sizes() ?? {}))
      sizes[`turns.${name}`] = size;
    for (const feature of this.features) Object.assign(sizes, feature.sizes?.());
    return sizes;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const sizes = Object.entries(this.diagnostics()).map(([name, size]) => `${name} ${size}`);
    this.log.info(`Held at stop: ${sizes.join(', ')}.`);
    await this.poller?.stop();
    await this.events?.stop();
    this.context?.turns.clear();
    // Give answers that are already on their way a moment to reach the phone.
    if (this.outbox) {
      await Promise.race([this.outbox.idle(), new Promise((resolve) => setTimeout(resolve, 2000))]);
      this.outbox.stop();
    }
    await this.server?.stop();
    // A prompt's buttons or a turn recorded just before the stop must be on disk before exit.
    await this.store.settled();
    this.setStatus({
      running: false,
      telegram: { kind: 'stopped' },
      opencode: { kind: 'stopped' },
      sessions: [],
    });
    this.log.info('Bridge stopped.');
  }

  // ---- Telegram → features -------------------------------------------------------------

  private commands(): CommandInfo[] {
    return this.features.flatMap((f) => f.commands ?? []);
  }

  private installFeatures(bot: Bot, context: BridgeContext): void {
    const rules = accessRules(this.settings);
    const tgLog = this.hub.logger('telegram');
    // The allowlists are the security boundary: a stranger, or anyone in a group that is not
    // allowed, gets no effect and no reply; the bot leaves such a group.
    bot.use(async (ctx, next) => {
      const access = decideAccess(ctx.update, rules);
      if (access.kind === 'leave') return this.leaveChat(bot, tgLog, access.chat);
      if (access.kind === 'ignore') {
        if (access.log) tgLog.warn(access.log);
        return;
      }
      const chatId = ctx.chat?.id;
      if (chatId !== undefined && this.menuMissing.delete(chatId)) {
        void this.setMenu(bot, tgLog, chatId);
      }
      await next();
    });
    // Past the allowlist: the update may change something, so its offset is saved at once.
    bot.use(async (ctx, next) => {
      this.admitted.add(ctx.update.update_id);
      await next();
    });

    /** A typed message: an answer to an open question, else a prompt with the files waiting. */
    const runText = async (ctx: Context, place: Place, text: string, replyTo?: number) => {
      for (const feature of this.features) {
        if (await feature.onText?.(ctx, place, text)) return;
      }
      await promptWithFiles(ctx, place, text, replyTo);
    };
    const promptWithFiles = (ctx: Context, place: Place, text: string, replyTo?: number) =>
      files.sendWith(place, (waiting) =>
        sendPrompt(
          context,
          place,
          [...waiting, { type: 'text', text }],
          replyTo,
          ctx.update.update_id,
        ),
      );
    const stale = staleFeature(context, (ctx, place, held) =>
      held.kind === 'caption'
        ? promptWithFiles(ctx, place, held.text, held.messageId)
        : runText(ctx, place, held.text, held.messageId),
    );
    const files = filesFeature(context, {
      holdIfStale: (place, held, sentAt) => stale.holdIfStale(place, held, sentAt),
    });
    const desk = deskSessionsFeature(context, createAway(context, this.presence));
    // Typed text and a voice note's transcript take this one path.
    const handleUserText: UserTextHandler = async (ctx, place, text, messageId, sentAt) => {
      // Before anything acts on it: a typed answer that waited as long is held too.
      if (
        messageId !== undefined &&
        (await stale.holdIfStale(place, { kind: 'text', text, messageId }, sentAt))
      )
        return;
      await runText(ctx, place, text, messageId);
    };
    this.features = [
      desk.listener,
      stale,
      topicsFeature(context),
      sessionsFeature(context),
      projectsFeature(context),
      modelsFeature(context),
      diffFeature(context),
      reasoningFeature(context),
      permissionsFeature(context),
      questionsFeature(context),
      files,
      desk.feature,
      voiceFeature(context, handleUserText),
    ];
    this.features.push(helpFeature(context, () => this.commands()));
    for (const feature of this.features) feature.install?.(bot);

    bot.on('callback_query:data', async (ctx) => {
      const press = context.buttons.resolve(ctx.callbackQuery.data, ctx.chat?.id);
      const feature =
        press && this.features.find((f) => f.buttonKinds?.includes(press.record.kind));
      if (!press || !feature?.onButton) {
        await ctx.answerCallbackQuery({ text: NO_LONGER_VALID });
        return;
      }
      await feature.onButton(ctx, press);
    });

    bot.on('message:text', async (ctx: Context) => {
      const text = ctx.msg?.text ?? '';
      const place = placeOf(ctx);
      const messageId = ctx.msg?.message_id;
      const word = commandWordOf(text, ctx.msg?.entities, ctx.me.username);
      // In a group, `/cmd@otherbot` is another bot's business: no answer at all.
      if (word.kind === 'other-bot') return;
      if (word.kind === 'ours') {
        await reply(
          context,
          place,
          `Unknown command ${escapeHtml(word.command)}. /help lists what I understand.`,
          messageId,
        );
        return;
      }
      await handleUserText(ctx, place, text, messageId, ctx.msg?.date ?? 0);
    });

    bot.catch((error) => tgLog.error(`Handling an update failed: ${toError(error.error).message}`));
  }

  // ---- OpenCode → features -------------------------------------------------------------

  private onOpencodeEvents({ directory, events }: EventBatch): void {
    if (directory) {
      for (const feature of this.features) feature.onFolder?.(directory);
    }
    for (const event of events) {
      const { sessionId } = event;
      // A handler that throws must not stop the others, nor the event stream.
      try {
        if (event.type === 'session-retitled') {
          const followed = this.context?.chats.placesOf(sessionId).length;
          if (followed && this.titles.get(sessionId) !== event.title) {
            this.titles.set(sessionId, event.title);
            this.refreshSessions();
          }
        }
        if (event.type === 'session-deleted') this.titles.delete(sessionId);
        this.context?.turns.onEvent(event);
      } catch (error) {
        this.eventProblem(event.type, `Handling ${event.type} failed: ${toError(error).message}`);
      }
      for (const feature of this.features) {
        try {
          feature.onEvent?.(event);
        } catch (error) {
          this.eventProblem(event.type, `Handling ${event.type} failed: ${toError(error).message}`);
        }
      }
    }
  }

  /** Said once per event type: a server sending many bad events must not flood the log. */
  private eventProblem(type: string, message: string): void {
    if (this.eventTypesReported.has(type)) return;
    this.eventTypesReported.add(type);
    this.hub.logger('opencode').warn(`${message} (Said once per event type.)`);
  }

  /** After a (re)connect nothing can be replayed: re-read status, prompts and questions. */
  private async onOpencodeConnected(connection: number): Promise<void> {
    const context = this.context;
    if (!context) return;
    const log = this.hub.logger('opencode');
    // Without this resync a turn cut off by a restarted OpenCode would spin forever: a failed one
    // (the server still warming up) is tried again while this connection lasts.
    for (let attempt = 1; ; attempt++) {
      try {
        const health = await context.client.health();
        this.setStatus({
          opencode: { kind: 'connected', url: context.client.baseUrl, version: health.version },
        });
        const statuses = await context.client.sessionStatus();
        context.turns.resync(new Set(Object.keys(statuses)));
        break;
      } catch (error) {
        const again = attempt < RESYNC_ATTEMPTS;
        log.warn(
          `Resync after connecting failed: ${toError(error).message}${again ? ` Trying again in ${RESYNC_RETRY_MS / 1000} s.` : ''}`,
        );
        if (!again) break;
        await new Promise((resolve) => setTimeout(resolve, RESYNC_RETRY_MS).unref());
        if (!this.running || connection !== this.connections) return;
      }
    }
    for (const feature of this.features) {
      await feature
        .onConnected?.()
        .catch((error: unknown) => log.warn(`Resync failed: ${toError(error).message}`));
    }
  }

  private refreshSessions(): void {
    const context = this.context;
    if (!context) return;
    const waiting = new Set(this.features.flatMap((f) => f.waitingSessions?.() ?? []));
    const sessions: FollowedSession[] = context.chats.all().flatMap((chat) =>
      chat.sessionId
        ? [
            {
              sessionId: chat.sessionId,
              title: this.titles.get(chat.sessionId) ?? chat.topicName ?? chat.sessionId,
              place:
                chat.threadId === undefined
                  ? `chat ${chat.chatId}`
                  : `topic ${chat.threadId} in chat ${chat.chatId}`,
              busy: context.turns.isBusy(chat.sessionId),
              waitingForUser: waiting.has(chat.sessionId),
            },
          ]
        : [],
    );
    // A session no chat follows any more needs no title.
    for (const sessionId of this.titles.keys())
      if (!sessions.some((s) => s.sessionId === sessionId)) this.titles.delete(sessionId);
    this.setStatus({ sessions });
  }
}
