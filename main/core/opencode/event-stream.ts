// The imperative shell around `connection-state`: one `GET /global/event` connection, parsed with
// eventsource-parser, torn down when silent, reconnected with backoff. OpenCode sends no event ids,
// so nothing can be replayed: `onOpen` tells the owner to re-read what it may have missed.
import { createParser } from 'eventsource-parser';
import {
  OpencodeAuthError,
  OpencodeHttpError,
  OpencodeIncompatibleError,
  OpencodeNotJsonError,
  describeNetworkError,
  toError,
} from '../errors';
import type { Logger } from '../log';
import { ProblemReporter } from '../log';
import type { OpencodeClient } from './client';
import type { BackoffPolicy, ConnectionEvent, ConnectionState } from './connection-state';
import { defaultBackoff, nextConnectionState, stalledReason } from './connection-state';
import { ROUTES, routePath } from './requirements';
import type { GlobalEvent } from './types';

export interface EventStreamOptions {
  client: OpencodeClient;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  log: Logger;
  onEvent: (event: GlobalEvent) => void;
  /** Called after every successful (re)connect, before events flow. */
  onOpen: (reconnected: boolean) => void;
  onState?: (state: ConnectionState, error: Error | undefined) => void;
  /** Runs before each connection; throws to refuse the server (see server-check.ts). */
  check?: (signal: AbortSignal) => Promise<unknown>;
  policy?: BackoffPolicy;
  now?: () => number;
  random?: () => number;
}

/** Auth failures wait at least this long: a wrong password does not fix itself in 500 ms. */
const AUTH_RETRY_MS = 15_000;

/** Why a connection was dropped on purpose: not a failure to report or back off from. */
class ReconnectRequested extends Error {}

export class EventStream {
  private state: ConnectionState = { kind: 'idle' };
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private everOpened = false;
  private readonly problems: ProblemReporter;
  private readonly policy: BackoffPolicy;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: EventStreamOptions) {
    this.problems = new ProblemReporter(options.log);
    this.policy = options.policy ?? defaultBackoff;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  private get stopped(): boolean {
    return this.state.kind === 'stopped';
  }

  start(): void {
    if (this.loop) return;
    this.dispatch({ type: 'start' });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.dispatch({ type: 'stop' });
    this.abort?.abort();
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Drops the connection (or the wait before the next attempt) and connects again at once. */
  reconnect(): void {
    if (this.stopped || !this.loop) return;
    this.dispatch({ type: 'reconnect' });
    this.abort?.abort(new ReconnectRequested('reconnect requested'));
    this.wake?.();
  }

  private dispatch(event: ConnectionEvent, error?: Error): void {
    const next = nextConnectionState(this.state, event, this.now(), this.policy);
    if (next !== this.state) {
      this.state = next;
      this.options.onState?.(next, error);
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.state.kind === 'backoff') {
        await this.sleep(this.state.untilMs - this.now());
        this.dispatch({ type: 'retry-due' });
        continue;
      }
      try {
        await this.connectOnce();
        if (this.stopped) break;
        this.fail(new Error('the event stream ended'));
      } catch (error) {
        if (this.stopped) break;
        if (error instanceof ReconnectRequested) continue;
        this.fail(toError(error));
      }
    }
  }

  private fail(error: Error): void {
    const auth = error instanceof OpencodeAuthError;
    this.problems.problem(
      error.name + (auth ? '' : error.message),
      `${error.message} Retrying in the background.`,
    );
    this.dispatch(
      {
        type: 'failed',
        reason: error.message,
        random: this.random(),
        ...(auth || error instanceof OpencodeNotJsonError ? { minDelayMs: AUTH_RETRY_MS } : {}),
        ...(error instanceof OpencodeIncompatibleError ? { delayMs: error.retryAfterMs } : {}),
      },
      error,
    );
  }

  private async connectOnce(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    // One watchdog for the whole attempt: a request nobody answers and a stream that went quiet.
    const watchdog = setInterval(
      () => {
        const reason = stalledReason(this.state, this.now(), this.policy);
        if (reason) abort.abort(new Error(reason));
      },
      Math.min(1000, this.policy.silenceMs / 5, this.policy.connectTimeoutMs / 5),
    );
    watchdog.unref?.();
    try {
      await this.readStream(abort);
    } finally {
      clearInterval(watchdog);
      abort.abort();
    }
  }

  private async readStream(abort: AbortController): Promise<void> {
    const { client } = this.options;
    await this.options.check?.(abort.signal);
    let response: Response;
    try {
      response = await this.options.fetch(`${client.baseUrl}${routePath(ROUTES.events)}`, {
        headers: client.headers({ accept: 'text/event-stream' }),
        signal: abort.signal,
      });
    } catch (error) {
      if (abort.signal.aborted) throw toError(abort.signal.reason ?? error);
      throw new Error(
        `Cannot reach OpenCode at ${client.baseUrl} (${describeNetworkError(error)}).`,
      );
    }
    if (response.status === 401) throw new OpencodeAuthError(client.baseUrl);
    if (!response.ok) throw new OpencodeHttpError(ROUTES.events, response.status, '');
    const contentType = response.headers.get('content-type') ?? '';
    if (!contentType.includes('text/event-stream') || !response.body) {
      await response.body?.cancel();
      throw new OpencodeNotJsonError(
        client.baseUrl,
        ROUTES.events,
        contentType.split(';')[0] ?? '',
      );
    }

    this.dispatch({ type: 'opened' });
    const reconnected = this.everOpened;
    this.everOpened = true;
    this.problems.resolved(`Connected to OpenCode at ${client.baseUrl} again.`);
    this.options.log.info(
      `${reconnected ? 'Reconnected' : 'Connected'} to the OpenCode event stream at ${client.baseUrl}`,
    );
    this.options.onOpen(reconnected);

    const parser = createParser({
      onEvent: (message) => {
        let parsed: GlobalEvent;
        try {
          parsed = JSON.parse(message.data) as GlobalEvent;
        } catch {
          this.options.log.warn(`Ignored an event that is not JSON: ${message.data.slice(0, 120)}`);
          return;
        }
        if (parsed?.payload?.type) this.options.onEvent(parsed);
      },
    });

    const decoder = new TextDecoder();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.dispatch({ type: 'data' });
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch (error) {
      if (abort.signal.aborted) throw toError(abort.signal.reason ?? error);
      // undici says only "terminated" when the server goes away mid-stream.
      throw new Error(`The event stream from OpenCode broke off (${describeNetworkError(error)}).`);
    } finally {
      parser.reset();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
