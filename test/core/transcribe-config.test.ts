import { describe, expect, it } from 'vitest';
import { settingsFromEnv } from '../../main/core/config';

const base = { platform: 'linux' as const, homeDir: '/home/ada', cwd: '/work/project' };
const valid = { TELEGRAM_BOT_TOKEN: '123:TEST', TELEGRAM_ALLOWED_USERS: '42' };
const read = (vars: Record<string, string>) =>
  settingsFromEnv({ ...base, env: { ...valid, ...vars } });

describe('voice configuration', () => {
  it('is off without BRIDGE_TRANSCRIBE_URL; notes up to 5 minutes by default', () => {
    expect(read({})).toMatchObject({ transcription: undefined, voiceMaxSeconds: 300 });
  });

  it('reads every variable; model defaults to whisper-1', () => {
    expect(read({ BRIDGE_TRANSCRIBE_URL: 'http://127.0.0.1:8080/v1/' }).transcription).toEqual({
      url: 'http://127.0.0.1:8080/v1',
      model: 'whisper-1',
      key: undefined,
      language: undefined,
    });
    const s = read({
      BRIDGE_TRANSCRIBE_URL: 'https://api.openai.com/v1',
      BRIDGE_TRANSCRIBE_MODEL: 'gpt-4o-mini-transcribe',
      BRIDGE_TRANSCRIBE_KEY: ' sk-abc ',
      BRIDGE_TRANSCRIBE_LANGUAGE: 'DE',
      BRIDGE_VOICE_MAX_S: '120',
    });
    expect(s.transcription).toEqual({
      url: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini-transcribe',
      key: 'sk-abc',
      language: 'de',
    });
    expect(s.voiceMaxSeconds).toBe(120);
  });

  it.each([
    [{ BRIDGE_TRANSCRIBE_URL: 'http://192.168.1.5:8080/v1' }, /neither https nor this machine/],
    [
      { BRIDGE_TRANSCRIBE_URL: 'http://whisper.example.com/v1' },
      /voice notes and the key would travel in clear/,
    ],
    [{ BRIDGE_TRANSCRIBE_URL: 'ftp://127.0.0.1/v1' }, /BRIDGE_TRANSCRIBE_URL must be an http/],
    [
      { BRIDGE_TRANSCRIBE_URL: 'https://api.openai.com/v1?key=sk-1' },
      /must not carry credentials or a query/,
    ],
    [{ BRIDGE_TRANSCRIBE_URL: 'https://u:p@api.openai.com/v1' }, /must not carry credentials/],
    [
      { BRIDGE_TRANSCRIBE_KEY: 'sk-abc' },
      /BRIDGE_TRANSCRIBE_KEY is set but BRIDGE_TRANSCRIBE_URL is not/,
    ],
    [
      { BRIDGE_TRANSCRIBE_URL: 'http://127.0.0.1:8080/v1', BRIDGE_TRANSCRIBE_MODEL: 'whisper 1' },
      /BRIDGE_TRANSCRIBE_MODEL must be a model name/,
    ],
    [
      { BRIDGE_TRANSCRIBE_URL: 'http://127.0.0.1:8080/v1', BRIDGE_TRANSCRIBE_LANGUAGE: 'english' },
      /BRIDGE_TRANSCRIBE_LANGUAGE must be a language code/,
    ],
    [{ BRIDGE_VOICE_MAX_S: '0' }, /BRIDGE_VOICE_MAX_S must be a whole number of seconds/],
    [{ BRIDGE_VOICE_MAX_S: '2.5' }, /BRIDGE_VOICE_MAX_S/],
  ])('refuses %o, saying what to set', (vars, message) => {
    expect(() => read(vars)).toThrow(message);
  });

  it('never quotes the key in an error', () => {
    const key = 'sk-live-should-never-appear-1234';
    for (const vars of [
      { BRIDGE_TRANSCRIBE_KEY: key },
      { BRIDGE_TRANSCRIBE_URL: key, BRIDGE_TRANSCRIBE_KEY: key },
      { BRIDGE_TRANSCRIBE_URL: 'http://127.0.0.1:1', BRIDGE_TRANSCRIBE_MODEL: `${key} x` },
    ]) {
      expect(() => read(vars)).toThrow();
      try {
        read(vars);
      } catch (error) {
        expect((error as Error).message).not.toContain(key);
      }
    }
  });
});
