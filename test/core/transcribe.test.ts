// The transcription client against the fake OpenAI endpoint: what it sends, and each way it fails.
import { afterEach, describe, expect, it } from 'vitest';
import type { TranscriptionSettings } from '../../main/core/bridge-api';
import { transcribe } from '../../main/core/voice/transcribe';
import {
  startTranscriptionServer,
  type TranscriptionServer,
} from '../support/transcription-server';

const AUDIO = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(40, 3)]);
const NOTE = { bytes: AUDIO, filename: 'voice.ogg', mime: 'audio/ogg' };
const servers: TranscriptionServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(
  transcript = 'fix the failing test in auth and run it',
): Promise<{ server: TranscriptionServer; settings: TranscriptionSettings }> {
  const server = await startTranscriptionServer();
  servers.push(server);
  server.script(AUDIO, transcript);
  return {
    server,
    settings: { url: server.baseUrl, model: 'whisper-1', key: server.apiKey, language: undefined },
  };
}

describe('transcribe', () => {
  it('posts the audio as is with model and key, and returns the text', async () => {
    const { server, settings } = await serve('  fix the failing test in auth and run it \n');
    const result = await transcribe({ ...settings, language: 'en' }, NOTE);
    expect(result).toEqual({ ok: true, text: 'fix the failing test in auth and run it' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/audio/transcriptions',
      authorization: `Bearer ${server.apiKey}`,
      model: 'whisper-1',
      language: 'en',
      responseFormat: 'json',
      file: { filename: 'voice.ogg', type: 'audio/ogg', bytes: AUDIO },
      status: 200,
    });
  });

  it('sends no language when none is set, and no Authorization header without a key', async () => {
    const server = await startTranscriptionServer({ apiKey: false });
    servers.push(server);
    server.script(AUDIO, 'hello');
    const settings = { url: server.baseUrl, model: 'base.en', key: undefined, language: undefined };
    expect(await transcribe(settings, NOTE)).toEqual({ ok: true, text: 'hello' });
    expect(server.requests[0]).toMatchObject({
      authorization: undefined,
      language: undefined,
      model: 'base.en',
    });
  });

  it('a wrong key is "key" and keeps nothing the endpoint quoted of it', async () => {
    const { server, settings } = await serve();
    const result = await transcribe({ ...settings, key: 'sk-wrong-abcdefghijklmnop1234' }, NOTE);
    expect(result).toEqual({ ok: false, problem: 'key', status: 401 });
    expect(server.requests[0]?.status).toBe(401);
  });

  it('another 4xx is "refused" with the endpoint’s message', async () => {
    const { settings } = await serve();
    const result = await transcribe(settings, { ...NOTE, bytes: Buffer.from('not audio') });
    expect(result).toEqual({
      ok: false,
      problem: 'refused',
      status: 400,
      detail: 'Audio file might be corrupted or unsupported',
    });
  });

  it('5xx is "server"', async () => {
    const { server, settings } = await serve();
    server.failNext(503);
    expect(await transcribe(settings, NOTE)).toMatchObject({
      ok: false,
      problem: 'server',
      status: 503,
    });
  });

  it('an empty transcript is "empty", never an empty prompt', async () => {
    const { server, settings } = await serve();
    server.setEmpty(true);
    expect(await transcribe(settings, NOTE)).toEqual({ ok: false, problem: 'empty' });
  });

  it('a closed port is "unreachable"', async () => {
    const { server, settings } = await serve();
    await server.setDown(true);
    expect(await transcribe(settings, NOTE)).toEqual({
      ok: false,
      problem: 'unreachable',
      detail: 'connection refused',
    });
  });

  it('no answer within the timeout is "timeout"', async () => {
    const { server, settings } = await serve();
    server.setDelay(10_000);
    expect(await transcribe(settings, NOTE, { timeoutMs: 100 })).toEqual({
      ok: false,
      problem: 'timeout',
    });
  });
});
