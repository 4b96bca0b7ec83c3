// The bridge's OpenCode side: the adapter for the configured server (launching our own on the
// pinned port when none is given), its one event stream routed to turns and features, and the
// resync after every (re)connect, when nothing missed can be replayed.
import { randomBytes } from 'node:crypto';
import type { BridgeSettings } from './bridge-api';
import type { BridgeContext, Feature } from './context';
import { toError } from './errors';
import type { LogHub, Logger } from './log';
import type { EventBatch, EventFeed, OpencodeAdapter } from './opencode/adapter';
import { createOpencodeAdapter } from './opencode/adapter';
import type { FetchLike } from './opencode/client';
import { OpencodeServerProcess } from './opencode/server-process';
import type { BridgeStatus } from './status';

/** A resync that fails right after a connect (OpenCode still booting) is retried this often. */
const RESYNC_ATTEMPTS = 5;
const RESYNC_RETRY_MS = 3000;

/** What the OpenCode side needs from the bridge that hosts it. */
export interface OpencodeHost {
  settings: BridgeSettings;
  hub: LogHub;
  fetch: FetchLike;
  running(): boolean;
  status(): BridgeStatus;
  setStatus(change: Partial<BridgeStatus>): void;
  /** A password the bridge generated: redacted like the configured one. */
  addPassword(password: string): void;
  /** The followed sessions changed (a title, here). */
  sessionsChanged(): void;
}

export class OpencodeSide {
  /** Titles of the sessions chats follow (only those: the server may hold thousands). */
  readonly titles = new Map<string, string>();
  private readonly log: Logger;
  private readonly opencodeLog: Logger;
  private server: OpencodeServerProcess | undefined;
  private events: EventFeed | undefined;
  private context: BridgeContext | undefined;
  private features: readonly Feature[] = [];
  private readonly eventTypesReported = new Set<string>();
  /** Counts event-stream connections, so a resync retry knows when a newer one took over. */
  private connections = 0;
  readonly client: OpencodeAdapter;
  private readonly password: string | undefined;

  constructor(private readonly host: OpencodeHost) {
    const s = host.settings;
    this.log = host.hub.logger('bridge');
    this.opencodeLog = host.hub.logger('opencode');
    // Attach to a running server, or launch our own on the pinned port.
    let password = s.opencodePassword;
    if (!s.opencodeUrl && !password) {
      password = randomBytes(24).toString('base64url');
      host.addPassword(password);
      this.log.info('Generated a password for the OpenCode server this bridge launches.');
    }
    this.password = password;
    this.client = createOpencodeAdapter(
      { baseUrl: this.baseUrl, username: s.opencodeUsername, password, fetch: host.fetch },
      {
        fetch: host.fetch,
        log: this.opencodeLog,
        setting: s.opencodeUrl ? 'OPENCODE_URL' : 'OPENCODE_BIN',
      },
    );
  }

  get baseUrl(): string {
    const s = this.host.settings;
    return s.opencodeUrl ?? `http://127.0.0.1:${s.opencodePort}`;
  }

  /** Launches OpenCode when the bridge runs its own; warns about a server without a password. */
  async prepare(): Promise<void> {
    const s = this.host.settings;
    if (!s.opencodeUrl) await this.launch(this.password as string);
    else if (!this.password) {
      this.log.warn(
        `Attaching to ${this.baseUrl} without a password: anyone who can reach it can drive OpenCode. ` +
          'Set OPENCODE_SERVER_PASSWORD on the server and here.',
      );
    }
  }

  private async launch(password: string): Promise<void> {
    const s = this.host.settings;
    this.server = new OpencodeServerProcess({
      binary: s.opencodeBinary ?? 'opencode',
      port: s.opencodePort,
      username: s.opencodeUsername,
      password,
      cwd: s.defaultProject,
      log: this.host.hub.logger('opencode-server'),
      client: this.client,
      secrets: this.host.hub.secrets(),
    });
    try {
      await this.server.start();
      this.log.info(
        `OpenCode is serving at ${this.client.baseUrl}; at the desk run: opencode attach ${this.client.baseUrl}`,
      );
    } catch (error) {
      this.opencodeLog.error(toError(error).message);
    }
  }

  /** The reason the event stream is down, while it is (an old error is stale once it is open). */
  problem(): string | undefined {
    const current = this.host.status().opencode;
    return current.kind === 'error' && this.events?.isOpen() !== true ? current.reason : undefined;
  }

  /** Starts the event stream; its events go to the turns and to every feature. */
  connect(context: BridgeContext, features: readonly Feature[]): void {
    this.context = context;
    this.features = features;
    this.events = this.client.events({
      onEvents: (batch) => this.onEvents(batch),
      onOpen: () => void this.onConnected(++this.connections),
      onState: (state, error) => {
        if (state.kind === 'backoff' && error) {
          this.host.setStatus({
            opencode: { kind: 'error', url: this.baseUrl, reason: error.message },
          });
        }
      },
    });
    this.events.start();
  }

  reconnect(): void {
    this.events?.reconnect();
  }

  async stopEvents(): Promise<void> {
    await this.events?.stop();
  }

  async stopServer(): Promise<void> {
    await this.server?.stop();
  }

  private onEvents({ directory, events }: EventBatch): void {
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
            this.host.sessionsChanged();
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
    this.opencodeLog.warn(`${message} (Said once per event type.)`);
  }

  /** After a (re)connect nothing can be replayed: re-read status, prompts and questions. */
  private async onConnected(connection: number): Promise<void> {
    const context = this.context;
    if (!context) return;
    // Without this resync a turn cut off by a restarted OpenCode would spin forever: a failed one
    // (the server still warming up) is tried again while this connection lasts.
    for (let attempt = 1; ; attempt++) {
      try {
        const health = await context.client.health();
        this.host.setStatus({
          opencode: { kind: 'connected', url: context.client.baseUrl, version: health.version },
        });
        const statuses = await context.client.sessionStatus();
        context.turns.resync(new Set(Object.keys(statuses)));
        break;
      } catch (error) {
        const again = attempt < RESYNC_ATTEMPTS;
        this.opencodeLog.warn(
          `Resync after connecting failed: ${toError(error).message}${again ? ` Trying again in ${RESYNC_RETRY_MS / 1000} s.` : ''}`,
        );
        if (!again) break;
        await new Promise((resolve) => setTimeout(resolve, RESYNC_RETRY_MS).unref());
        if (!this.host.running() || connection !== this.connections) return;
      }
    }
    for (const feature of this.features) {
      await feature
        .onConnected?.()
        .catch((error: unknown) =>
          this.opencodeLog.warn(`Resync failed: ${toError(error).message}`),
        );
    }
  }
}
