// The bridge core: wires Telegram polling, the OpenCode event stream, the state store, the outbox
// and the features, and owns their lifecycle. Hosted by the headless CLI and by the menu-bar app
// alike; it imports nothing from electron.
import { randomBytes } from 'node:crypto';
import { Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { fetch as undiciFetch } from 'undici';
import type { BridgeHost, BridgeSettings } from './bridge-api';
import { ChatDirectory } from './chats';
import type { BridgeContext, CommandInfo, Feature } from './context';
import { placeOf } from './context';
import { toError } from './errors';
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
import { OpencodeClient, type FetchLike } from './opencode/client';
import { EventStream } from './opencode/event-stream';
import { OpencodeServerProcess } from './opencode/server-process';
import { redactDeep } from './redact';
import type { GlobalEvent } from './opencode/types';
import { sessionIdOf } from './opencode/types';
import { StateStore } from './state-store';
import type { BridgeStatus, FollowedSession, LogEntry } from './status';
import { initialStatus } from './status';
import { escapeHtml } from './telegram/format';
import { Messenger } from './telegram/messenger';
import { classifyTelegramError, createOutbox, type Outbox } from './telegram/outbox';
import { TelegramPoller } from './telegram/poller';
import { TurnRegistry } from './turn/turns';

export interface BridgeDeps {
  logHub?: LogHub;
  fetch?: FetchLike;
  now?: () => number;
}

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
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
  private readonly store: StateStore;
  private readonly listeners = new Set<(status: BridgeStatus) => void>();
  private current: BridgeStatus = initialStatus;
  private readonly titles = new Map<string, string>();

  private server: OpencodeServerProcess | undefined;
  private events: EventStream | undefined;
  private poller: TelegramPoller | undefined;
  private outbox: Outbox | undefined;
  private context: BridgeContext | undefined;
  private features: Feature[] = [];
  private running = false;
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
    const client = new OpencodeClient({
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
    };
    this.context = context;
    this.installFeatures(bot, context);
    this.refreshSessions();

    this.events = new EventStream({
      client,
      fetch: this.fetchImpl,
      log: this.hub.logger('opencode'),
      onEvent: (event) => this.onOpencodeEvent(event),
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

  private async launchOpencode(client: OpencodeClient, password: string): Promise<void> {
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
        // Telegram may deliver an update again if its confirmation was lost: run it only once.
        if (this.store.current.handledUpdates.includes(update.update_id)) {
          tgLog.info(`Skipped update ${update.update_id}: it was handled before.`);
          return;
        }
        await bot.handleUpdate(update);
      },
      saveOffset: (offset) =>
        this.store.update((state) => {
          state.telegramOffset = offset;
          state.handledUpdates = [...state.handledUpdates, offset - 1].slice(-HANDLED_UPDATES_KEPT);
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

  /** Puts the commands in Telegram's menu (only in private chats and for allowlisted users' groups). */
  private async registerCommands(bot: Bot, tgLog: Logger): Promise<void> {
    const commands = this.commands();
    try {
      await this.outbox?.enqueue({
        key: 'setMyCommands',
        countsTowardChat: false,
        priority: 'interactive',
        run: () => bot.api.setMyCommands(commands),
      });
    } catch (error) {
      tgLog.warn(`Could not register the command menu: ${toError(error).message}`);
    }
  }

  reconnect(): void {
    if (!this.running) return;
    this.log.info('Reconnecting to Telegram and OpenCode (the machine woke up).');
    this.poller?.restartPoll();
    this.events?.reconnect();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
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

    const files = filesFeature(context);
    const stale = staleFeature(context);
    // Typed text and a voice note's transcript take this one path.
    const handleUserText: UserTextHandler = async (ctx, place, text, messageId, sentAt) => {
      for (const feature of this.features) {
        if (await feature.onText?.(ctx, place, text)) return;
      }
      if (messageId !== undefined && (await stale.holdIfStale(place, text, messageId, sentAt)))
        return;
      await files.sendWith(place, (waiting) =>
        sendPrompt(context, place, [...waiting, { type: 'text', text }], messageId),
      );
    };
    this.features = [
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
      if (text.startsWith('/')) {
        const command = text.split(/\s+/)[0] ?? text;
        await reply(
          context,
          place,
          `Unknown command ${escapeHtml(command)}. /help lists what I understand.`,
          messageId,
        );
        return;
      }
      await handleUserText(ctx, place, text, messageId, ctx.msg?.date ?? 0);
    });

    bot.catch((error) => tgLog.error(`Handling an update failed: ${toError(error.error).message}`));
  }

  // ---- OpenCode → features -------------------------------------------------------------

  private onOpencodeEvent(global: GlobalEvent): void {
    const event = global.payload;
    const sessionId = sessionIdOf(event);
    if (event.type === 'session.updated' && sessionId) {
      const title = event.properties.info.title;
      if (title && this.titles.get(sessionId) !== title) {
        this.titles.set(sessionId, title);
        this.refreshSessions();
      }
    }
    if (sessionId) this.context?.turns.onEvent(event, sessionId);
    for (const feature of this.features) {
      try {
        feature.onEvent?.(event, sessionId);
      } catch (error) {
        this.log.error(`Handling ${event.type} failed: ${toError(error).message}`);
      }
    }
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
              title: this.titles.get(chat.sessionId) ?? chat.sessionId,
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
    this.setStatus({ sessions });
  }
}
