// The HTTP side: routing of /bot<token>/<method> and /file/bot<token>/<path>, body parsing,
// token check, fault injection, flood limits, and the call log. Answers use the HTTP status
// equal to error_code, like api.telegram.org.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { readBody } from '../read-body';
import type { MethodContext } from './context';
import { ApiError, notFound, tooManyRequests, unauthorized } from './errors';
import { BAD_GATEWAY_HTML, type Faults } from './faults';
import { findMethod, RATE_LIMITED_METHODS } from './methods/index';
import { Params } from './params';
import type { RateLimiter } from './rate-limiter';
import { isUpload, parseRequestParams, type RawParams } from './request-body';
import type { Store } from './store';
import type { UpdateQueue } from './update-queue';

// Uploads may be 50 MB; leave room for multipart overhead.
const MAX_BODY_BYTES = 60 * 1024 * 1024;

export interface ServerDeps {
  token: string;
  store: Store;
  queue: UpdateQueue;
  limiter: RateLimiter;
  faults: Faults;
  now: () => number;
}

export class FakeServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly deps: ServerDeps) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent)
          sendJson(res, new ApiError(500, `Internal Server Error: ${String(error)}`).toJSON(), 500);
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  /** Answers waiting long polls, then drops keep-alive sockets so close() is prompt. */
  async close(): Promise<void> {
    this.deps.queue.close();
    await new Promise((resolve) => setImmediate(resolve));
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_BODY_BYTES);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const methodName = /^\/bot[^/]*\/(.+)$/.exec(url.pathname)?.[1] ?? url.pathname;
    if (this.deps.faults.outage) {
      this.record(methodName, {}, new ApiError(502, 'Bad Gateway'));
      res.writeHead(502, { 'content-type': 'text/html' }).end(BAD_GATEWAY_HTML);
      return;
    }
    if (body === undefined) {
      sendJson(res, new ApiError(413, 'Request Entity Too Large').toJSON(), 413);
      return;
    }
    const file = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
    if (file) {
      this.download(res, file[1]!, decodeURIComponent(file[2]!));
      return;
    }
    const route = /^\/bot([^/]*)\/([^/]+)$/.exec(url.pathname);
    if (!route) {
      sendJson(res, notFound().toJSON(), 404);
      return;
    }
    let raw: RawParams = {};
    let outcome: { result: unknown } | ApiError;
    let canonicalName = route[2]!;
    let counted: { chatId: number; at: number } | undefined;
    try {
      if (decodeURIComponent(route[1]!) !== this.deps.token) throw unauthorized();
      const method = findMethod(route[2]!);
      if (!method) throw notFound();
      canonicalName = method.name;
      raw = parseRequestParams(url.searchParams, req.headers['content-type'], body);
      const params = new Params(raw);
      const injected = this.deps.faults.take(method.name);
      if (injected) throw injected;
      counted = this.checkFloodLimit(method.name, params);
      const ctx: MethodContext = {
        store: this.deps.store,
        queue: this.deps.queue,
        now: this.deps.now,
        onClientGone: (listener) =>
          res.on('close', () => {
            if (!res.writableFinished) listener();
          }),
      };
      outcome = { result: await method.handler(ctx, params) };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      outcome = error;
      // Refused (bad HTML, message not found…): no message reached the chat, so it counts for nothing.
      if (counted) this.deps.limiter.refund(counted.chatId, counted.at);
    }
    if (res.destroyed) return;
    // A long poll that ends during an outage is answered by the "broken" front too.
    if (this.deps.faults.outage) {
      this.record(canonicalName, raw, new ApiError(502, 'Bad Gateway'));
      res.writeHead(502, { 'content-type': 'text/html' }).end(BAD_GATEWAY_HTML);
      return;
    }
    this.record(canonicalName, raw, outcome);
    if (outcome instanceof ApiError) sendJson(res, outcome.toJSON(), outcome.errorCode);
    else sendJson(res, { ok: true, result: outcome.result }, 200);
  }

  /** Charges a message call to its chat, or throws 429; says what it charged, for a refund. */
  private checkFloodLimit(
    method: string,
    params: Params,
  ): { chatId: number; at: number } | undefined {
    if (!RATE_LIMITED_METHODS.has(method) || !params.has('chat_id')) return undefined;
    let chatId: number | undefined;
    try {
      const id = params.chatId();
      chatId = typeof id === 'number' ? id : this.deps.store.chatByUsername(id)?.chat.id;
    } catch {
      return undefined;
    }
    if (chatId === undefined) return undefined;
    const at = this.deps.now();
    const retryAfter = this.deps.limiter.take(chatId, at);
    if (retryAfter !== undefined) throw tooManyRequests(retryAfter);
    return { chatId, at };
  }

  private download(res: ServerResponse, token: string, path: string): void {
    if (token !== this.deps.token) {
      sendJson(res, unauthorized().toJSON(), 401);
      return;
    }
    const file = [...this.deps.store.files.values()].find((f) => f.filePath === path);
    if (!file) {
      sendJson(res, notFound().toJSON(), 404);
      return;
    }
    res
      .writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': file.data.length,
      })
      .end(file.data);
  }

  private record(method: string, raw: RawParams, outcome: { result: unknown } | ApiError): void {
    const failed = outcome instanceof ApiError ? outcome : undefined;
    const at = this.deps.now();
    if (failed?.errorCode === 429) {
      const chatId = Number(raw['chat_id']);
      this.deps.store.rateLimitHits.push({
        method,
        chatId: Number.isInteger(chatId) ? chatId : undefined,
        retryAfter: failed.parameters?.retry_after ?? 0,
        at,
      });
    }
    this.deps.store.calls.push({
      method,
      params: Object.fromEntries(
        Object.entries(raw).map(([k, v]) => [
          k,
          isUpload(v) ? { upload: v.filename, size: v.data.length } : v,
        ]),
      ),
      at,
      ok: failed === undefined,
      errorCode: failed?.errorCode,
      description: failed?.description,
      retryAfter: failed?.parameters?.retry_after,
      result: failed ? undefined : (outcome as { result: unknown }).result,
    });
    this.deps.store.changed();
  }
}

function sendJson(res: ServerResponse, payload: unknown, status: number): void {
  const text = JSON.stringify(payload);
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}
