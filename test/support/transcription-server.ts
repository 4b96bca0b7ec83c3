// A loopback fake of OpenAI's speech-to-text endpoint, `POST /v1/audio/transcriptions`, as the
// bridge's transcription client talks to it (OpenAI itself, or whisper.cpp's server with its
// OpenAI-compatible route). It speaks the contract: multipart/form-data with `file` and `model`
// required, `language` and `response_format` optional, a Bearer key, and OpenAI's error shape.
// Transcripts are scripted (audio bytes → text); switches make it down, slow, failing or empty.
// Every request is recorded for assertions.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readBody } from './read-body';

export const TRANSCRIPTIONS_PATH = '/v1/audio/transcriptions';
/** OpenAI's upload limit for this endpoint. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

export interface TranscriptionRequest {
  /** ms since epoch */
  at: number;
  method: string;
  path: string;
  /** The Authorization header as sent (test-side only: it holds the key). */
  authorization: string | undefined;
  contentType: string | undefined;
  model: string | undefined;
  language: string | undefined;
  responseFormat: string | undefined;
  file: { filename: string; type: string; bytes: Buffer } | undefined;
  /** The status this server answered with. */
  status: number;
}

export interface TranscriptionServerOptions {
  /** The key clients must send as `Authorization: Bearer …`; false: no key needed (a local server). Default: a random one. */
  apiKey?: string | false;
}

export interface TranscriptionServer {
  /** e.g. `http://127.0.0.1:PORT/v1`, the value for BRIDGE_TRANSCRIBE_URL. */
  readonly baseUrl: string;
  readonly port: number;
  /** The key this server accepts (generated), or undefined when it wants none. */
  readonly apiKey: string | undefined;
  readonly requests: readonly TranscriptionRequest[];
  /** Audio with exactly these bytes transcribes to `text`; other audio gets a 400. */
  script(audio: Uint8Array, text: string): void;
  /** Down: the port refuses connections (open ones are cut). Up again on the same port. */
  setDown(down: boolean): Promise<void>;
  /** Each answer waits this long first (0: none). */
  setDelay(ms: number): void;
  /** The next `times` transcription requests get this HTTP status (500, 503, 429…). */
  failNext(status: number, times?: number): void;
  /** While on, every transcript comes back as empty text. */
  setEmpty(on: boolean): void;
  close(): Promise<void>;
}

export function openAiError(
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): { error: { message: string; type: string; param: string | null; code: string | null } } {
  return { error: { message, type, param, code } };
}

/** How OpenAI quotes a wrong key back: its first and last characters only. */
function masked(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(20, key.length - 7))}${key.slice(-4)}`;
}

export async function startTranscriptionServer(
  options: TranscriptionServerOptions = {},
): Promise<TranscriptionServer> {
  const apiKey =
    options.apiKey === false
      ? undefined
      : (options.apiKey ?? `sk-test-${randomBytes(18).toString('base64url')}`);
  const transcripts = new Map<string, string>();
  const requests: TranscriptionRequest[] = [];
  const sockets = new Set<Socket>();
  let delayMs = 0;
  let empty = false;
  let failure: { status: number; times: number } | undefined;

  const send = (res: ServerResponse, status: number, body: unknown, asText = false): number => {
    const payload = asText ? String(body) : JSON.stringify(body);
    res
      .writeHead(status, {
        'content-type': asText ? 'text/plain; charset=utf-8' : 'application/json',
      })
      .end(payload);
    return status;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const record: TranscriptionRequest = {
      at: Date.now(),
      method: req.method ?? '',
      path: new URL(req.url ?? '/', 'http://x').pathname,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      model: undefined,
      language: undefined,
      responseFormat: undefined,
      file: undefined,
      status: 0,
    };
    requests.push(record);
    const body = await readBody(req, MAX_BODY_BYTES);
    const form = body && (await parseForm(body, record.contentType));
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (res.destroyed) return;
    record.status = answer(record, body, form, res);
  };

  const answer = (
    record: TranscriptionRequest,
    body: Buffer | undefined,
    form: ParsedForm | undefined,
    res: ServerResponse,
  ): number => {
    if (record.path !== TRANSCRIPTIONS_PATH || record.method !== 'POST') {
      return send(
        res,
        404,
        openAiError(`Invalid URL (${record.method} ${record.path})`, 'invalid_request_error', null),
      );
    }
    if (apiKey !== undefined) {
      const given = /^Bearer (.+)$/.exec(record.authorization ?? '')?.[1];
      if (given === undefined) {
        return send(
          res,
          401,
          openAiError(
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            'invalid_request_error',
            null,
          ),
        );
      }
      if (given !== apiKey) {
        return send(
          res,
          401,
          openAiError(
            `Incorrect API key provided: ${masked(given)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            'invalid_request_error',
            'invalid_api_key',
          ),
        );
      }
    }
    if (body === undefined) {
      return send(
        res,
        413,
        openAiError('Maximum content size limit exceeded.', 'invalid_request_error', null),
      );
    }
    return handleForm(record, form, res);
  };

  const handleForm = (
    record: TranscriptionRequest,
    form: ParsedForm | undefined,
    res: ServerResponse,
  ): number => {
    if (!form) {
      return send(
        res,
        400,
        openAiError('Could not parse multipart form', 'invalid_request_error', null),
      );
    }
    record.model = form.get('model');
    record.language = form.get('language');
    record.responseFormat = form.get('response_format');
    const file = form.file;
    record.file = file;
    if (record.model === undefined || record.model === '') {
      return send(
        res,
        400,
        openAiError('you must provide a model parameter', 'invalid_request_error', null),
      );
    }
    if (!file) {
      return send(
        res,
        400,
        openAiError("'file' is a required property", 'invalid_request_error', null, 'file'),
      );
    }
    if (failure && failure.times > 0) {
      failure.times -= 1;
      const status = failure.status;
      if (failure.times === 0) failure = undefined;
      return send(
        res,
        status,
        openAiError(
          status === 429
            ? 'Rate limit reached for requests.'
            : 'The server had an error while processing your request. Sorry about that!',
          status === 429 ? 'requests' : 'server_error',
          status === 429 ? 'rate_limit_exceeded' : null,
        ),
      );
    }
    const transcript = transcripts.get(file.bytes.toString('base64'));
    if (transcript === undefined) {
      return send(
        res,
        400,
        openAiError(
          'Audio file might be corrupted or unsupported',
          'invalid_request_error',
          'invalid_value',
          'file',
        ),
      );
    }
    const result = empty ? '' : transcript;
    switch (record.responseFormat ?? 'json') {
      case 'json':
        return send(res, 200, { text: result });
      case 'text':
        return send(res, 200, `${result}\n`, true);
      case 'verbose_json':
        return send(res, 200, {
          task: 'transcribe',
          language: record.language ?? 'english',
          duration: 1,
          text: result,
          segments: [],
        });
      default:
        return send(
          res,
          400,
          openAiError(
            `Unsupported response_format ${JSON.stringify(record.responseFormat)}`,
            'invalid_request_error',
            null,
            'response_format',
          ),
        );
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  const port = await listen(0);
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    apiKey,
    requests,
    script(audio, text) {
      transcripts.set(Buffer.from(audio).toString('base64'), text);
    },
    async setDown(down) {
      if (down) await stopListening();
      else if (!server.listening) await listen(port);
    },
    setDelay(ms) {
      delayMs = ms;
    },
    failNext(status, times = 1) {
      failure = { status, times };
    },
    setEmpty(on) {
      empty = on;
    },
    close: stopListening,
  };
}

interface ParsedForm {
  get(name: string): string | undefined;
  file: { filename: string; type: string; bytes: Buffer } | undefined;
}

async function parseForm(
  body: Buffer,
  contentType: string | undefined,
): Promise<ParsedForm | undefined> {
  if (!contentType?.toLowerCase().startsWith('multipart/form-data')) return undefined;
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
  const value = form.get('file');
  const file =
    value !== null && typeof value !== 'string'
      ? {
          filename: value.name,
          type: value.type,
          bytes: Buffer.from(await value.arrayBuffer()),
        }
      : undefined;
  return {
    get: (name) => {
      const field = form.get(name);
      return typeof field === 'string' ? field : undefined;
    },
    file,
  };
}
