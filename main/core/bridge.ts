// The bridge core: wires Telegram polling, the OpenCode event stream, the state store and the
// outbox, and routes between them. Hosted by the headless CLI and by the menu-bar app alike; it
// imports nothing from electron.
import { randomBytes } from 'node:crypto';
import { Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { fetch as undiciFetch } from 'undici';
import type { BridgeHost, BridgeSettings } from './bridge-api';
import { toError } from './errors';
import type { LogHub, Logger } from './log';
import { createLogHub } from './log';
import { OpencodeClient, type FetchLike } from './opencode/client';
import { EventStream } from './opencode/event-stream';
import { OpencodeServerProcess } from './opencode/server-process';
import type { GlobalEvent, OpencodeEvent } from './opencode/types';
import { sessionIdOf } from './opencode/types';
import { StateStore, chatKey, type ChatBinding } from './state-store';
import type { BridgeStatus, FollowedSession, LogEntry } from './status';
import { initialStatus } from './status';
import { escapeHtml } from './telegram/format';
import { Messenger, type Place } from './telegram/messenger';
import { classifyTelegramError, createOutbox, type Outbox } from './telegram/outbox';
import { TelegramPoller } from './telegram/poller';
import { LiveTurn } from './turn/live-turn';

export interface BridgeDeps {
  logHub?: LogHub;
  fetch?: FetchLike;
  now?: () => number;
}

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export function createBridge(settings: BridgeSettings, deps: BridgeDeps = {}): Bridge {
  return new Bridge(settings, deps);
}

export class Bridge implements BridgeHost {
  private readonly hub: LogHub;
  private readonly log: Logger;
  private readonly fetchImpl: FetchLike;
  private readonly now: () => number;
  private readonly store: StateStore;
  private readonly listeners = new Set<(status: BridgeStatus) => void>();
  private current: BridgeStatus = initialStatus;

  private client: OpencodeClient | undefined;
  private server: OpencodeServerProcess | undefined;
  private events: EventStream | undefined;
  private bot: Bot | undefined;
  private poller: TelegramPoller | undefined;
  private outbox: Outbox | undefined;
  private messenger: Messenger | undefined;
  /** Turns in progress, by session id. */
  private readonly turns = new Map<string, LiveTurn>();
  private running = false;

  constructor(
    private readonly settings: BridgeSettings,
    deps: BridgeDeps,
  ) {
    this.hub = deps.logHub ?? createLogHub();
    this.hub.addSecret(settings.telegramBotToken);
    this.hub.addSecret(settings.opencodePassword);
    this.log = this.hub.logger('bridge');
    this.fetchImpl = deps.fetch ?? (undiciFetch as unknown as FetchLike);
    this.now = deps.now ?? Date.now;
    this.store = StateStore.inDir(settings.stateDir);
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

  private setStatus(change: Partial<BridgeStatus>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener(this.current);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const s = this.settings;
    await this.store.load();
    this.log.info(
      `State in ${this.store.path}; ${Object.keys(this.store.current.chats).length} chat(s) bound to sessions.`,
    );

    // OpenCode: attach to a running server, or launch our own on the pinned port.
    let password = s.opencodePassword;
    let baseUrl = s.opencodeUrl;
    if (!baseUrl) {
      if (!password) {
        password = randomBytes(24).toString('base64url');
        this.hub.addSecret(password);
        this.log.info('Generated a password for the OpenCode server this bridge launches.');
      }
      baseUrl = `http://127.0.0.1:${s.opencodePort}`;
    }
    this.client = new OpencodeClient({
      baseUrl,
      username: s.opencodeUsername,
      password,
      fetch: this.fetchImpl,
    });
    this.setStatus({
      running: true,
      opencode: { kind: 'connecting', url: baseUrl },
      telegram: { kind: 'connecting' },
    });
    if (!s.opencodeUrl) {
      this.server = new OpencodeServerProcess({
        binary: s.opencodeBinary ?? 'opencode',
        port: s.opencodePort,
        username: s.opencodeUsername,
        password: password as string,
        cwd: s.defaultProject,
        log: this.hub.logger('opencode-server'),
        client: this.client,
      });
      try {
        await this.server.start();
        this.log.info(
          `OpenCode is serving at ${baseUrl}; at the desk run: opencode attach ${baseUrl}`,
        );
      } catch (error) {
        this.hub.logger('opencode').error(toError(error).message);
      }
    }

    this.events = new EventStream({
      client: this.client,
      fetch: this.fetchImpl,
      log: this.hub.logger('opencode'),
      onEvent: (event) => this.onOpencodeEvent(event),
      onOpen: () => void this.onOpencodeConnected(),
      onState: (state, error) => {
        if (state.kind === 'backoff' && error) {
          this.setStatus({ opencode: { kind: 'error', url: baseUrl, reason: error.message } });
        }
      },
    });
    this.events.start();

    // Telegram.
    const bot = new Bot(s.telegramBotToken, { client: { apiRoot: s.telegramApiRoot } });
    this.bot = bot;
    const tgLog = this.hub.logger('telegram');
    this.outbox = createOutbox({
      limits: { chatIntervalMs: s.editIntervalMs },
      classify: classifyTelegramError,
      onRateLimited: (chatId, seconds) =>
        tgLog.warn(`Telegram rate limit hit for chat ${chatId ?? '(bot)'}; pausing ${seconds} s.`),
    });
    this.messenger = new Messenger(bot.api, this.outbox, tgLog);
    this.installHandlers(bot);
    void this.connectTelegram(bot, tgLog);
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
        if (attempt === 0)
          tgLog.error(
            `Cannot reach Telegram at ${this.settings.telegramApiRoot} (${e.message}); retrying.`,
          );
        this.setStatus({ telegram: { kind: 'error', reason: e.message } });
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** attempt)));
      }
    }
    if (!this.running) return;
    tgLog.info(`Connected to Telegram as @${bot.botInfo.username}`);
    this.setStatus({ telegram: { kind: 'connected', botUsername: bot.botInfo.username } });
    this.poller = new TelegramPoller({
      api: bot.api,
      apiRoot: this.settings.telegramApiRoot,
      log: tgLog,
      initialOffset: this.store.current.telegramOffset,
      allowedUpdates: ALLOWED_UPDATES,
      handle: (update: Update) => bot.handleUpdate(update),
      saveOffset: (offset) => this.store.update((state) => void (state.telegramOffset = offset)),
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

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.poller?.stop();
    await this.events?.stop();
    // Give answers that are already on their way a moment to reach the phone.
    if (this.outbox) {
      await Promise.race([this.outbox.idle(), new Promise((resolve) => setTimeout(resolve, 2000))]);
      this.outbox.stop();
    }
    await this.server?.stop();
    this.turns.clear();
    this.setStatus({
      running: false,
      telegram: { kind: 'stopped' },
      opencode: { kind: 'stopped' },
      sessions: [],
    });
    this.log.info('Bridge stopped.');
  }

  // ---- Telegram → OpenCode -------------------------------------------------------------

  private installHandlers(bot: Bot): void {
    const allowed = new Set(this.settings.allowedUserIds);
    const tgLog = this.hub.logger('telegram');
    // The allowlist is the security boundary: a stranger gets no effect and no reply.
    bot.use(async (ctx, next) => {
      const userId = ctx.from?.id;
      if (userId === undefined || !allowed.has(userId)) {
        tgLog.warn(`Ignored an update from user ${userId ?? 'unknown'} (not on the allowlist).`);
        return;
      }
      await next();
    });
    bot.on('message:text', (ctx) => this.onText(ctx));
    bot.catch((error) => tgLog.error(`Handler failed: ${toError(error.error).message}`));
  }

  private placeOf(ctx: Context): Place {
    const message = ctx.msg;
    const threadId = message?.is_topic_message ? message.message_thread_id : undefined;
    return { chatId: ctx.chat?.id ?? 0, threadId };
  }

  private async onText(ctx: Context): Promise<void> {
    const text = ctx.msg?.text ?? '';
    const place = this.placeOf(ctx);
    const messenger = this.messenger as Messenger;
    const client = this.client as OpencodeClient;
    const messageId = ctx.msg?.message_id;
    if (text.startsWith('/')) {
      await this.onCommand(place, text, messageId);
      return;
    }
    let binding: ChatBinding;
    const startedAt = this.now();
    try {
      binding = await this.bindingFor(place);
      await client.promptAsync(binding.sessionId, [{ type: 'text', text }]);
    } catch (error) {
      const reason = toError(error).message;
      this.log.error(`A prompt from chat ${place.chatId} did not reach OpenCode: ${reason}`);
      await this.reply(
        place,
        `⚠️ Your message did not reach OpenCode: ${escapeHtml(reason)}`,
        messageId,
      );
      return;
    }
    const running = this.turns.get(binding.sessionId);
    this.log.info(
      `Prompt from chat ${place.chatId} → session ${binding.sessionId} (${text.length} chars)`,
    );
    if (running) {
      await messenger.send(
        place,
        '📥 Queued: the agent reads this when it finishes the current step.',
        {
          priority: 'interactive',
          replyToMessageId: messageId,
          silent: true,
        },
      );
      return;
    }
    this.startTurn(binding.sessionId, place, startedAt, messageId);
  }

  private async onCommand(
    place: Place,
    text: string,
    messageId: number | undefined,
  ): Promise<void> {
    const command = text.split(/\s+/)[0]?.replace(/@.*$/, '').toLowerCase();
    switch (command) {
      case '/start':
      case '/help':
        await this.reply(
          place,
          'Send a message and the OpenCode agent on your computer works on it; its answer streams here.',
          messageId,
        );
        return;
      default:
        await this.reply(
          place,
          `Unknown command ${escapeHtml(command ?? '')}. Try /help.`,
          messageId,
        );
    }
  }

  private async reply(place: Place, html: string, replyTo: number | undefined): Promise<void> {
    try {
      await (this.messenger as Messenger).send(place, html, {
        priority: 'interactive',
        replyToMessageId: replyTo,
      });
    } catch (error) {
      this.log.error(`Could not reply in chat ${place.chatId}: ${toError(error).message}`);
    }
  }

  /** The chat's session, creating one in the default project on first use. */
  private async bindingFor(place: Place): Promise<ChatBinding> {
    const key = chatKey(place.chatId, place.threadId);
    const existing = this.store.current.chats[key];
    if (existing) return existing;
    const client = this.client as OpencodeClient;
    const session = await client.createSession(this.settings.defaultProject);
    const binding: ChatBinding = {
      chatId: place.chatId,
      threadId: place.threadId,
      sessionId: session.id,
      directory: session.directory,
    };
    await this.store.update((state) => void (state.chats[key] = binding));
    this.log.info(`Chat ${key} → new session ${session.id} in ${session.directory}`);
    this.refreshSessions();
    return binding;
  }

  private bindingOfSession(sessionId: string): ChatBinding | undefined {
    return Object.values(this.store.current.chats).find((b) => b.sessionId === sessionId);
  }

  private startTurn(
    sessionId: string,
    place: Place,
    startedAt: number,
    replyTo?: number,
  ): LiveTurn {
    const turn = new LiveTurn({
      messenger: this.messenger as Messenger,
      client: this.client as OpencodeClient,
      log: this.hub.logger('turn'),
      place,
      sessionId,
      startedAt,
      replyTo,
      renderOptions: () => ({ showReasoning: false }),
      now: this.now,
    });
    this.turns.set(sessionId, turn);
    this.refreshSessions();
    return turn;
  }

  private finishTurn(turn: LiveTurn): void {
    if (this.turns.get(turn.sessionId) !== turn) return;
    this.turns.delete(turn.sessionId);
    this.refreshSessions();
    void turn.finish().then(() => this.log.info(`Turn in session ${turn.sessionId} delivered.`));
  }

  // ---- OpenCode → Telegram -------------------------------------------------------------

  private onOpencodeEvent(global: GlobalEvent): void {
    const event: OpencodeEvent = global.payload;
    const sessionId = sessionIdOf(event);
    if (!sessionId) return;
    let turn = this.turns.get(sessionId);
    if (!turn) {
      // A turn started elsewhere (the TUI at the desk) in a session a chat follows: show it too.
      const startsTurn = event.type === 'session.status' && event.properties.status.type === 'busy';
      const binding = startsTurn ? this.bindingOfSession(sessionId) : undefined;
      if (!binding) return;
      turn = this.startTurn(
        sessionId,
        { chatId: binding.chatId, threadId: binding.threadId },
        this.now(),
      );
    }
    turn.apply(event);
    if (event.type === 'session.idle') this.finishTurn(turn);
  }

  /** After a (re)connect nothing can be replayed: turns that ended meanwhile are finished now. */
  private async onOpencodeConnected(): Promise<void> {
    const client = this.client as OpencodeClient;
    try {
      const health = await client.health();
      this.setStatus({
        opencode: { kind: 'connected', url: client.baseUrl, version: health.version },
      });
      const statuses = await client.sessionStatus();
      for (const turn of [...this.turns.values()]) {
        if (!statuses[turn.sessionId]) this.finishTurn(turn);
      }
    } catch (error) {
      this.hub.logger('opencode').warn(`Resync after connecting failed: ${toError(error).message}`);
    }
  }

  private refreshSessions(): void {
    const sessions: FollowedSession[] = Object.values(this.store.current.chats).map((b) => ({
      sessionId: b.sessionId,
      title: b.sessionId,
      place:
        b.threadId === undefined ? `chat ${b.chatId}` : `topic ${b.threadId} in chat ${b.chatId}`,
      busy: this.turns.has(b.sessionId),
      waitingForUser: false,
    }));
    this.setStatus({ sessions });
  }
}
