// The bridge core: wires the Telegram side (telegram-side.ts), the OpenCode side
// (opencode-side.ts), the state store and the features (feature-set.ts), and owns their
// lifecycle. Hosted by the headless CLI and by the menu-bar app alike; it imports nothing from
// electron.
import { fetch as undiciFetch } from 'undici';
import type { BridgeHost, BridgeSettings } from './bridge-api';
import { ChatDirectory } from './chats';
import type { BridgeContext, CommandInfo, Feature } from './context';
import type { Presence } from './away/presence';
import { installFeatures } from './feature-set';
import { ButtonRegistry } from './interaction/buttons';
import type { LogHub, Logger } from './log';
import { createLogHub } from './log';
import type { FetchLike } from './opencode/client';
import { OpencodeSide } from './opencode-side';
import { redactDeep } from './redact';
import { StateStore } from './state-store';
import type { BridgeStatus, FollowedSession, LogEntry } from './status';
import { initialStatus } from './status';
import { TelegramSide } from './telegram-side';
import { TurnRegistry } from './turn/turns';

export interface BridgeDeps {
  logHub?: LogHub;
  fetch?: FetchLike;
  now?: () => number;
  /** Whether the owner is at the desk (the menu-bar app); without it, BRIDGE_NOTIFY alone decides. */
  presence?: Presence;
}

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

  private opencode: OpencodeSide | undefined;
  private telegram: TelegramSide | undefined;
  private context: BridgeContext | undefined;
  private features: Feature[] = [];
  private running = false;

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

    const host = {
      settings: s,
      hub: this.hub,
      store: this.store,
      running: () => this.running,
      status: () => this.current,
      setStatus: (change: Partial<BridgeStatus>) => this.setStatus(change),
    };
    const opencode = new OpencodeSide({
      ...host,
      fetch: this.fetchImpl,
      addPassword: (password) => this.addPassword(password),
      sessionsChanged: () => this.refreshSessions(),
    });
    this.opencode = opencode;
    this.setStatus({
      running: true,
      opencode: { kind: 'connecting', url: opencode.baseUrl },
      telegram: { kind: 'connecting' },
    });
    await opencode.prepare();

    const telegram = new TelegramSide({ ...host, commands: () => this.commands() });
    this.telegram = telegram;
    const chats = new ChatDirectory(this.store, s.defaultProject);
    const turns = new TurnRegistry({
      messenger: telegram.messenger,
      client: opencode.client,
      chats,
      log: this.hub.logger('turn'),
      store: this.store,
      now: this.now,
      onChange: () => this.refreshSessions(),
      streaming: { streaming: s.streaming, rich: s.rich },
    });
    const context: BridgeContext = {
      settings: s,
      logger: (scope) => this.hub.logger(scope),
      client: opencode.client,
      messenger: telegram.messenger,
      api: telegram.bot.api,
      store: this.store,
      chats,
      turns,
      buttons: new ButtonRegistry(this.store, this.now),
      now: this.now,
      statusChanged: () => this.refreshSessions(),
      opencodeProblem: () => opencode.problem(),
      beforeSideEffect: (updateId) => telegram.rememberUpdate(updateId),
    };
    this.context = context;
    telegram.installGate(context);
    const { features } = installFeatures(telegram.bot, context, this.presence);
    this.features = features;
    this.refreshSessions();

    opencode.connect(context, features);
    void telegram.connect();
  }

  private commands(): CommandInfo[] {
    return this.features.flatMap((f) => f.commands ?? []);
  }

  reconnect(): void {
    if (!this.running) return;
    this.log.info('Reconnecting to Telegram and OpenCode (the machine woke up).');
    this.telegram?.restartPoll();
    this.opencode?.reconnect();
  }

  /** Sizes of what the bridge keeps in memory and in its state: each must stay bounded. */
  diagnostics(): Record<string, number> {
    const state = this.store.current;
    const sizes: Record<string, number> = {
      titles: this.opencode?.titles.size ?? 0,
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
    await this.telegram?.stopPolling();
    await this.opencode?.stopEvents();
    this.context?.turns.clear();
    // Give answers that are already on their way a moment to reach the phone.
    const outbox = this.telegram?.outbox;
    if (outbox) {
      await Promise.race([outbox.idle(), new Promise((resolve) => setTimeout(resolve, 2000))]);
      outbox.stop();
    }
    await this.opencode?.stopServer();
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

  private refreshSessions(): void {
    const context = this.context;
    const titles = this.opencode?.titles;
    if (!context || !titles) return;
    const waiting = new Set(this.features.flatMap((f) => f.waitingSessions?.() ?? []));
    const sessions: FollowedSession[] = context.chats.all().flatMap((chat) =>
      chat.sessionId
        ? [
            {
              sessionId: chat.sessionId,
              title: titles.get(chat.sessionId) ?? chat.topicName ?? chat.sessionId,
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
    for (const sessionId of titles.keys())
      if (!sessions.some((s) => s.sessionId === sessionId)) titles.delete(sessionId);
    this.setStatus({ sessions });
  }
}
