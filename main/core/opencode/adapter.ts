// The one seam between the bridge and OpenCode. Turns and features see this interface and the
// normalised events of bridge-events.ts, never a route or a raw event name; v1/ implements it for
// `opencode-ai` 1.x. docs/architecture.md says what an OpenCode 2 adapter would map where.
import type { Logger } from '../log';
import type { BridgeEvent } from './bridge-events';
import type { FetchLike, OpencodeConnection, PromptOptions, PromptPart } from './client';
import { OpencodeClient } from './client';
import type { ConnectionState } from './connection-state';
import type {
  Agent,
  FileDiff,
  MessageWithParts,
  PermissionReply,
  PermissionRequest,
  Project,
  ProvidersInfo,
  QuestionRequest,
  Session,
  SessionStatus,
} from './types';
import { OpencodeV1Adapter } from './v1/adapter';

export type { BridgeEvent, BridgeEventType } from './bridge-events';
export type { PromptOptions, PromptPart } from './client';

/** What one raw server event became, with the project folder the server raised it in. */
export interface EventBatch {
  directory: string | undefined;
  events: readonly BridgeEvent[];
}

export interface EventHandlers {
  onEvents(batch: EventBatch): void;
  /** After every successful (re)connect, before events flow: nothing missed can be replayed. */
  onOpen(reconnected: boolean): void;
  onState?(state: ConnectionState, error: Error | undefined): void;
}

/** The server's one event stream, kept connected (with backoff and a silence watchdog). */
export interface EventFeed {
  start(): void;
  stop(): Promise<void>;
  /** Drops the connection and connects again at once (the machine woke up). */
  reconnect(): void;
  isOpen(): boolean;
}

export interface OpencodeAdapter {
  readonly baseUrl: string;
  health(): Promise<{ healthy: boolean; version: string }>;

  // Sessions
  listSessions(directory: string, limit?: number): Promise<Session[]>;
  createSession(directory: string, title?: string): Promise<Session>;
  getSession(sessionId: string): Promise<Session>;
  /** The last `limit` messages, oldest first. */
  messages(sessionId: string, limit: number): Promise<MessageWithParts[]>;
  /** What one turn (identified by its user message) changed. */
  diff(sessionId: string, userMessageId: string): Promise<FileDiff[]>;
  /** Busy and retrying sessions; idle ones are omitted. */
  sessionStatus(): Promise<Record<string, SessionStatus>>;
  /** Sends a prompt (text and files); resolves once the server took it, before it runs. */
  prompt(sessionId: string, parts: PromptPart[], options?: PromptOptions): Promise<void>;
  abort(sessionId: string): Promise<void>;

  // What the agent asks (kept per project folder by 1.x; `directory` is that folder)
  pendingPermissions(directory: string): Promise<PermissionRequest[]>;
  replyPermission(requestId: string, reply: PermissionReply, directory?: string): Promise<void>;
  pendingQuestions(directory: string): Promise<QuestionRequest[]>;
  replyQuestion(requestId: string, answers: string[][], directory?: string): Promise<void>;
  rejectQuestion(requestId: string, directory?: string): Promise<void>;

  // Configuration
  projects(): Promise<Project[]>;
  agents(directory: string): Promise<Agent[]>;
  providers(directory: string): Promise<ProvidersInfo>;
  /** The configured default model, `provider/model`, if the config names one. */
  configuredModel(directory: string): Promise<string | undefined>;

  /** The normalised event stream; each connection is preceded by the compatibility check. */
  events(handlers: EventHandlers): EventFeed;
}

export interface AdapterDeps {
  fetch: FetchLike;
  log: Logger;
  /** The setting that picks the server (OPENCODE_URL or OPENCODE_BIN), named in problems. */
  setting: 'OPENCODE_URL' | 'OPENCODE_BIN';
}

/**
 * The adapter for a server. Only 1.x exists: the compatibility check (server-check.ts) refuses a
 * 2.x server with a message; with an OpenCode 2 adapter, its verdict would pick that one instead.
 */
export function createOpencodeAdapter(
  connection: OpencodeConnection,
  deps: AdapterDeps,
): OpencodeAdapter {
  return new OpencodeV1Adapter(new OpencodeClient(connection), deps);
}

/** The answered request no longer exists in OpenCode (answered or ended elsewhere). */
export { isGone } from './v1/adapter';
