// The fake transcription server speaks OpenAI's /v1/audio/transcriptions contract.
import { afterEach, describe, expect, it } from 'vitest';
import {
  startTranscriptionServer,
  type TranscriptionServer,
  type TranscriptionServerOptions,
} from '../support/transcription-server';

const AUDIO = Buffer.from('OggS fake opus audio');
const started: TranscriptionServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function start(options?: TranscriptionServerOptions): Promise<TranscriptionServer> {
  const server = await startTranscriptionServer(options);
  started.push(server);
  server.script(AUDIO, 'fix the failing test in auth and run it');
  return server;
}

function form(fields: Record<string, string>, file: Buffer | null = AUDIO): FormData {
  const body = new FormData();
  if (file) body.append('file', new Blob([file], { type: 'audio/ogg' }), 'voice.ogg');
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return body;
}

async function post(
  server: TranscriptionServer,
  body: FormData | string,
  key: string | null | undefined = server.apiKey,
): Promise<{ status: number; json: unknown; text: string }> {
  const response = await fetch(`${server.baseUrl}/audio/transcriptions`, {
    method: 'POST',
    headers: key === null || key === undefined ? {} : { authorization: `Bearer ${key}` },
    body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

describe('fake transcription server', () => {
  it('transcribes scripted audio and records the multipart request', async () => {
    const server = await start();
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(server.apiKey).toMatch(/^sk-test-/);
    const result = await post(server, form({ model: 'whisper-1', language: 'en' }));
    expect(result).toMatchObject({
      status: 200,
      json: { text: 'fix the failing test in auth and run it' },
    });
    const [request] = server.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/audio/transcriptions',
      authorization: `Bearer ${server.apiKey}`,
      model: 'whisper-1',
      language: 'en',
      responseFormat: undefined,
      status: 200,
      file: { filename: 'voice.ogg', type: 'audio/ogg', bytes: AUDIO },
    });
    expect(request?.contentType).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('answers response_format text and verbose_json like OpenAI', async () => {
    const server = await start();
    expect((await post(server, form({ model: 'whisper-1', response_format: 'text' }))).text).toBe(
      'fix the failing test in auth and run it\n',
    );
    expect(
      (await post(server, form({ model: 'whisper-1', response_format: 'verbose_json' }))).json,
    ).toMatchObject({ task: 'transcribe', text: 'fix the failing test in auth and run it' });
    expect((await post(server, form({ model: 'whisper-1', response_format: 'mp3' }))).status).toBe(
      400,
    );
  });

  it('401 with OpenAI’s error shape on a wrong or missing key, never echoing the key whole', async () => {
    const server = await start();
    const wrongKey = 'sk-wrong-0123456789abcdefghij';
    const wrong = await post(server, form({ model: 'whisper-1' }), wrongKey);
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({
      error: {
        message: expect.stringMatching(/^Incorrect API key provided: sk-\*+ghij\./) as unknown,
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    expect(wrong.text).not.toContain(wrongKey);
    const missing = await post(server, form({ model: 'whisper-1' }), null);
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('needs no key when started without one (a local whisper server)', async () => {
    const server = await start({ apiKey: false });
    expect(server.apiKey).toBeUndefined();
    expect((await post(server, form({ model: 'whisper-1' }), null)).status).toBe(200);
  });

  it('400 without model, without file, or without a multipart body', async () => {
    const server = await start();
    const noModel = await post(server, form({}));
    expect(noModel.status).toBe(400);
    expect(noModel.json).toMatchObject({
      error: { message: 'you must provide a model parameter', type: 'invalid_request_error' },
    });
    const noFile = await post(server, form({ model: 'whisper-1' }, null));
    expect(noFile.status).toBe(400);
    expect(noFile.json).toMatchObject({ error: { param: 'file' } });
    expect((await post(server, '{"model":"whisper-1"}')).status).toBe(400);
  });

  it('400 for audio it has no script for', async () => {
    const server = await start();
    const result = await post(
      server,
      form({ model: 'whisper-1' }, Buffer.from('some other audio')),
    );
    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({
      error: { message: 'Audio file might be corrupted or unsupported' },
    });
  });

  it('switches: 5xx for the next requests, empty text, down and up again on the same port', async () => {
    const server = await start();
    server.failNext(503, 2);
    expect((await post(server, form({ model: 'whisper-1' }))).status).toBe(503);
    const second = await post(server, form({ model: 'whisper-1' }));
    expect(second.status).toBe(503);
    expect(second.json).toMatchObject({ error: { type: 'server_error' } });
    expect((await post(server, form({ model: 'whisper-1' }))).status).toBe(200);

    server.setEmpty(true);
    expect((await post(server, form({ model: 'whisper-1' }))).json).toEqual({ text: '' });
    server.setEmpty(false);

    await server.setDown(true);
    await expect(post(server, form({ model: 'whisper-1' }))).rejects.toThrow();
    await server.setDown(false);
    expect((await post(server, form({ model: 'whisper-1' }))).status).toBe(200);
  });

  it('slow: the answer waits, and a client that gives up gets nothing', async () => {
    const server = await start();
    server.setDelay(5_000);
    await expect(
      fetch(`${server.baseUrl}/audio/transcriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.apiKey}` },
        body: form({ model: 'whisper-1' }),
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.status).toBe(0);
  });

  it('404 for other paths', async () => {
    const server = await start();
    const response = await fetch(`${server.baseUrl}/audio/translations`, { method: 'POST' });
    expect(response.status).toBe(404);
  });
});
