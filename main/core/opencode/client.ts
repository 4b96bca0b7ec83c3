// The REST side of OpenCode. Every request carries HTTP Basic auth and every answer is checked to
// be JSON, because an unknown route on OpenCode answers 200 with the web UI's HTML.
import { fetch as undiciFetch } from 'undici';
import {
  OpencodeAuthError,
  OpencodeHttpError,
  OpencodeNotJsonError,
  OpencodeUnreachableError,
  describeNetworkError,
} from '../errors';
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
import type { RouteTemplate } from './requirements';
import { PROBE_ROUTES, ROUTES, routeMethod, routePath } from './requirements';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface OpencodeConnection {
  baseUrl: string;
  username: string;
  password: string | undefined;
  fetch?: FetchLike | undefined;
}

export type PromptPart =
  { type: 'text'; text: string } | { type: 'file'; mime: string; url: string; filename?: string };

export interface PromptOptions {
  model?: { providerID: string; modelID: string } | undefined;
  agent?: string | undefined;
}

interface RequestOptions {
  directory?: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Cancels the request early (the event stream's watchdog); the 30 s limit applies anyway. */
  signal?: AbortSignal;
}

const REQUEST_TIMEOUT_MS = 30_000;

function inFolder(directory: string | undefined): { directory?: string } {
  return directory ? { directory } : {};
}

export function basicAuthHeader(
  username: string,
  password: string | undefined,
): string | undefined {
  if (!password) return undefined;
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export class OpencodeClient {
  readonly baseUrl: string;
  private readonly authorization: string | undefined;
  private readonly fetchImpl: FetchLike;

  constructor(connection: OpencodeConnection) {
    this.baseUrl = connection.baseUrl.replace(/\/+$/, '');
    this.authorization = basicAuthHeader(connection.username, connection.password);
    this.fetchImpl = connection.fetch ?? (undiciFetch as unknown as FetchLike);
  }

  /** Headers for every request, including the event stream. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.authorization ? { ...extra, authorization: this.authorization } : { ...extra };
  }

  health(signal?: AbortSignal): Promise<{ healthy: boolean; version: string }> {
    return this.call(ROUTES.health, {}, signal ? { signal } : {});
  }

  /** The server's OpenAPI document (1.x: `/doc`), to check that every route we need is there. */
  openapiDocument(signal?: AbortSignal): Promise<unknown> {
    return this.call(PROBE_ROUTES.openapi, {}, signal ? { signal } : {});
  }

  /** OpenCode 2.x's health route (1.18 answers it too, without a version). */
  apiHealth(signal?: AbortSignal): Promise<{ healthy?: boolean; version?: string }> {
    return this.call(PROBE_ROUTES.apiHealth, {}, signal ? { signal } : {});
  }

  createSession(directory: string, title?: string): Promise<Session> {
    return this.call(ROUTES.createSession, {}, { directory, body: title ? { title } : {} });
  }

  getSession(sessionId: string): Promise<Session> {
    return this.call(ROUTES.getSession, { sessionID: sessionId });
  }

  listSessions(directory: string, limit = 20): Promise<Session[]> {
    return this.call(
      ROUTES.listSessions,
      {},
      { directory, query: { roots: 'true', limit: String(limit) } },
    );
  }

  /** Busy and retrying sessions; idle ones are omitted by the server. */
  sessionStatus(): Promise<Record<string, SessionStatus>> {
    return this.call(ROUTES.sessionStatus);
  }

  /** The last `limit` messages of a session, oldest first. */
  messages(sessionId: string, limit: number): Promise<MessageWithParts[]> {
    return this.call(
      ROUTES.messages,
      { sessionID: sessionId },
      { query: { limit: String(limit) } },
    );
  }

  async promptAsync(
    sessionId: string,
    parts: PromptPart[],
    options: PromptOptions = {},
  ): Promise<void> {
    await this.call(
      ROUTES.promptAsync,
      { sessionID: sessionId },
      {
        body: {
          parts,
          ...(options.model ? { model: options.model } : {}),
          ...(options.agent ? { agent: options.agent } : {}),
        },
      },
    );
  }

  async abort(sessionId: string): Promise<void> {
    await this.call(ROUTES.abort, { sessionID: sessionId }, { body: {} });
  }

  /** Pending permission requests of one project folder (1.x keeps them per folder). */
  pendingPermissions(directory?: string): Promise<PermissionRequest[]> {
    return this.call(ROUTES.pendingPermissions, {}, inFolder(directory));
  }

  async replyPermission(
    requestId: string,
    reply: PermissionReply,
    directory?: string,
  ): Promise<void> {
    await this.call(
      ROUTES.replyPermission,
      { requestID: requestId },
      { ...inFolder(directory), body: { reply } },
    );
  }

  pendingQuestions(directory?: string): Promise<QuestionRequest[]> {
    return this.call(ROUTES.pendingQuestions, {}, inFolder(directory));
  }

  async replyQuestion(requestId: string, answers: string[][], directory?: string): Promise<void> {
    await this.call(
      ROUTES.replyQuestion,
      { requestID: requestId },
      { ...inFolder(directory), body: { answers } },
    );
  }

  async rejectQuestion(requestId: string, directory?: string): Promise<void> {
    await this.call(
      ROUTES.rejectQuestion,
      { requestID: requestId },
      { ...inFolder(directory), body: {} },
    );
  }

  projects(): Promise<Project[]> {
    return this.call(ROUTES.projects);
  }

  agents(directory: string): Promise<Agent[]> {
    return this.call(ROUTES.agents, {}, { directory });
  }

  providers(directory: string): Promise<ProvidersInfo> {
    return this.call(ROUTES.providers, {}, { directory });
  }

  /** OpenCode's configuration as the folder sees it (only `model` is read). */
  config(directory?: string): Promise<{ model?: string }> {
    return this.call(ROUTES.config, {}, inFolder(directory));
  }

  /** What one turn (identified by its user message) changed. */
  diff(sessionId: string, messageId: string): Promise<FileDiff[]> {
    return this.call(ROUTES.diff, { sessionID: sessionId }, { query: { messageID: messageId } });
  }

  /** One route of the table in requirements.ts, its `{param}`s filled from `params`. */
  private call<T>(
    route: RouteTemplate,
    params: Record<string, string> = {},
    options: RequestOptions = {},
  ): Promise<T> {
    return this.request<T>(routeMethod(route), routePath(route, params), options);
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    route: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const url = new URL(this.baseUrl + route);
    if (options.directory) url.searchParams.set('directory', options.directory);
    for (const [key, value] of Object.entries(options.query ?? {}))
      url.searchParams.set(key, value);
    const init: RequestInit = {
      method,
      headers: this.headers(
        options.body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      ),
      signal: options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)])
        : AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    };
    if (options.body !== undefined) init.body = JSON.stringify(options.body);

    let response: Response;
    try {
      response = await this.fetchImpl(url.toString(), init);
    } catch (error) {
      throw new OpencodeUnreachableError(this.baseUrl, describeNetworkError(error));
    }
    const label = `${method} ${route}`;
    if (response.status === 401) throw new OpencodeAuthError(this.baseUrl);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    if (!response.ok) throw new OpencodeHttpError(label, response.status, text);
    const contentType = response.headers.get('content-type') ?? '';
    if (!contentType.includes('json')) {
      throw new OpencodeNotJsonError(this.baseUrl, label, contentType.split(';')[0] ?? '');
    }
    return JSON.parse(text) as T;
  }
}
