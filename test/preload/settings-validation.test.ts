import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../main/app/settings-store';
import {
  checkOpencodeUrl,
  checkPublicSettings,
  checkSetSecret,
  isSecretName,
} from '../../preload/settings-validation';

describe('checkOpencodeUrl', () => {
  it('refuses a plain-http URL that is not this machine, saying why', () => {
    const checked = checkOpencodeUrl('http://10.0.0.7:4096');
    expect(checked).toEqual({
      ok: false,
      error: expect.stringMatching(/password would travel in clear/) as unknown,
    });
  });

  it('accepts https anywhere and http on loopback', () => {
    for (const url of ['https://box.example.com', 'http://127.0.0.1:4096', 'http://localhost:1']) {
      expect(checkOpencodeUrl(url)).toEqual({ ok: true, value: url });
    }
  });
});

describe('voice message settings', () => {
  const check = (patch: Record<string, unknown>) =>
    checkPublicSettings({ ...DEFAULT_SETTINGS, ...patch });

  it('are off by default, with whisper-1 as the model', () => {
    expect(check({})).toMatchObject({
      ok: true,
      value: { transcribeUrl: '', transcribeModel: 'whisper-1', transcribeLanguage: '' },
    });
  });

  it('accept https anywhere and http on loopback, and tidy what was typed', () => {
    expect(
      check({
        transcribeUrl: ' http://127.0.0.1:8080/v1/ ',
        transcribeModel: ' ',
        transcribeLanguage: 'EN',
      }),
    ).toMatchObject({
      ok: true,
      value: {
        transcribeUrl: 'http://127.0.0.1:8080/v1',
        transcribeModel: 'whisper-1',
        transcribeLanguage: 'en',
      },
    });
    expect(check({ transcribeUrl: 'https://api.openai.com/v1' }).ok).toBe(true);
  });

  it.each([
    [
      { transcribeUrl: 'http://10.0.0.7:8080/v1' },
      'transcribeUrl',
      /voice notes and the key would travel in clear/,
    ],
    [
      { transcribeUrl: 'https://api.openai.com/v1?api_key=x' },
      'transcribeUrl',
      /must not carry credentials or a query/,
    ],
    [{ transcribeUrl: 'whisper' }, 'transcribeUrl', /must be an http\(s\) URL/],
    [{ transcribeModel: 'whisper one' }, 'transcribeModel', /model name/],
    [{ transcribeLanguage: 'English' }, 'transcribeLanguage', /language code/],
  ])('refuse %o on the field that is wrong', (patch, field, error) => {
    expect(check(patch)).toEqual({
      ok: false,
      field,
      error: expect.stringMatching(error) as unknown,
    });
  });

  it('the key is a secret like the others', () => {
    expect(isSecretName('transcribeKey')).toBe(true);
    expect(checkSetSecret({ name: 'transcribeKey', value: ' sk-abc ' })).toEqual({
      ok: true,
      value: { name: 'transcribeKey', value: 'sk-abc' },
    });
    expect(checkSetSecret({ name: 'transcribeKey', value: 'a\nb' }).ok).toBe(false);
  });
});

describe('delivery settings (streaming, rich messages, Bot API server)', () => {
  const check = (patch: Record<string, unknown>) =>
    checkPublicSettings({ ...DEFAULT_SETTINGS, ...patch });

  it('default to drafts, rich messages and Telegram’s own server', () => {
    expect(check({})).toMatchObject({
      ok: true,
      value: { streaming: 'draft', richMessages: true, telegramApiRoot: '' },
    });
  });

  it('take edits, HTML and a self-hosted server on this machine or over https', () => {
    expect(
      check({
        streaming: 'edit',
        richMessages: false,
        telegramApiRoot: ' http://127.0.0.1:8081/ ',
      }),
    ).toMatchObject({
      ok: true,
      value: { streaming: 'edit', richMessages: false, telegramApiRoot: 'http://127.0.0.1:8081' },
    });
    expect(check({ telegramApiRoot: 'https://bots.example.com/api' }).ok).toBe(true);
  });

  it.each([
    [{ streaming: 'fast' }, 'streaming', /drafts or edits/],
    [{ richMessages: 'yes' }, 'richMessages', /on or off/],
    [
      { telegramApiRoot: 'http://10.0.0.7:8081' },
      'telegramApiRoot',
      /bot token would travel in clear/,
    ],
    [{ telegramApiRoot: 'tg.example.com' }, 'telegramApiRoot', /Not a URL/],
    [{ telegramApiRoot: 'https://u:p@tg.example.com' }, 'telegramApiRoot', /without a login/],
  ])('refuse %o on the field that is wrong', (patch, field, error) => {
    expect(check(patch)).toEqual({ ok: false, error: expect.stringMatching(error), field });
  });
});
