// `OpencodeAdapter` for opencode-ai 1.x: the REST client, the `/global/event` stream behind the
// server check, and the normaliser that turns its events into `BridgeEvent`s.
import { OpencodeHttpError, toError } from '../../errors';
import type { AdapterDeps, EventFeed, EventHandlers, OpencodeAdapter } from '../adapter';
import type { OpencodeClient, PromptOptions, PromptPart } from '../client';
import { EventStream } from '../event-stream';
import { ServerCheck } from '../server-check';
import type { PermissionReply } from '../types';
import { EventNormaliser } from './normalise';

export class OpencodeV1Adapter implements OpencodeAdapter {
  /** Event types already reported as malformed: a server sending many must not flood the log. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly client: OpencodeClient,
    private readonly deps: AdapterDeps,
  ) {}

  get baseUrl(): string {
    return this.client.baseUrl;
  }

  health() {
    return this.client.health();
  }
  listSessions(directory: string, limit?: number) {
    return this.client.listSessions(directory, limit);
  }
  createSession(directory: string, title?: string) {
    return this.client.createSession(directory, title);
  }
  getSession(sessionId: string) {
    return this.client.getSession(sessionId);
  }
  messages(sessionId: string, limit: number) {
    return this.client.messages(sessionId, limit);
  }
  diff(sessionId: string, userMessageId: string) {
    return this.client.diff(sessionId, userMessageId);
  }
  sessionStatus() {
    return this.client.sessionStatus();
  }
  prompt(sessionId: string, parts: PromptPart[], options?: PromptOptions) {
    return this.client.promptAsync(sessionId, parts, options);
  }
  abort(sessionId: string) {
    return this.client.abort(sessionId);
  }
  pendingPermissions(directory: string) {
    return this.client.pendingPermissions(directory);
  }
  replyPermission(requestId: string, reply: PermissionReply, directory?: string) {
    return this.client.replyPermission(requestId, reply, directory);
  }
  pendingQuestions(directory: string) {
    return this.client.pendingQuestions(directory);
  }
  replyQuestion(requestId: string, answers: string[][], directory?: string) {
    return this.client.replyQuestion(requestId, answers, directory);
  }
  rejectQuestion(requestId: string, directory?: string) {
    return this.client.rejectQuestion(requestId, directory);
  }
  projects() {
    return this.client.projects();
  }
  agents(directory: string) {
    return this.client.agents(directory);
  }
  providers(directory: string) {
    return this.client.providers(directory);
  }
  async configuredModel(directory: string): Promise<string | undefined> {
    return (await this.client.config(directory)).model;
  }

  events(handlers: EventHandlers): EventFeed {
    const { fetch, log, setting } = this.deps;
    const check = new ServerCheck({ client: this.client, log, setting });
    const normaliser = new EventNormaliser();
    const stream = new EventStream({
      client: this.client,
      fetch,
      log,
      check: (signal) => check.check(signal),
      onEvent: (global) => {
        const type = global.payload.type;
        let result;
        try {
          result = normaliser.normalise(global.payload);
        } catch (error) {
          this.problem(type, `Handling ${type} failed: ${toError(error).message}`);
          return;
        }
        if (result.kind === 'malformed') {
          this.problem(type, `Skipped ${type} events from OpenCode without ${result.field}.`);
          return;
        }
        handlers.onEvents({ directory: global.directory, events: result.events });
      },
      onOpen: (reconnected) => handlers.onOpen(reconnected),
      onState: (state, error) => handlers.onState?.(state, error),
    });
    return {
      start: () => stream.start(),
      stop: () => stream.stop(),
      reconnect: () => stream.reconnect(),
      isOpen: () => stream.connectionState.kind === 'open',
    };
  }

  /** Said once per event type. */
  private problem(type: string, message: string): void {
    if (this.reported.has(type)) return;
    this.reported.add(type);
    this.deps.log.warn(`${message} (Said once per event type.)`);
  }
}

/** 1.x answers 404 to a reply for a request that no longer exists. */
export function isGone(error: unknown): boolean {
  return error instanceof OpencodeHttpError && error.status === 404;
}
