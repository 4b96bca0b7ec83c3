import { randomBytes, randomInt } from 'node:crypto';
import { InputFile } from 'grammy';
import { describe, expect, it } from 'vitest';
import { REDACTED, createSecretRegistry, redactDeep } from '../../main/core/redact';

/** A fresh token in Telegram's shape, so no test holds a real-looking one. */
const botToken = (): string =>
  `${randomInt(10_000_000, 99_999_999)}:${randomBytes(26).toString('base64url').slice(0, 35)}`;

describe('secret registry', () => {
  const token = botToken();
  const password = `pw+/${randomBytes(9).toString('base64')}?&=`;
  const registry = createSecretRegistry();
  registry.add(token);
  registry.add(password);
  registry.add(`opencode:${password}`);

  it('replaces a plain secret', () => {
    expect(registry.redact(`token ${token} rejected`)).toBe(`token ${REDACTED} rejected`);
  });

  it('replaces a token inside a request URL', () => {
    const text = `Network request for 'getUpdates' failed! https://api.telegram.org/bot${token}/getUpdates`;
    expect(registry.redact(text)).toBe(
      `Network request for 'getUpdates' failed! https://api.telegram.org/bot${REDACTED}/getUpdates`,
    );
  });

  it('replaces the URL-encoded form, in either case of hex digits', () => {
    const encoded = encodeURIComponent(password);
    expect(registry.redact(`?auth=${encoded}`)).toBe(`?auth=${REDACTED}`);
    const lowerHex = encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
    expect(registry.redact(`?auth=${lowerHex}`)).toBe(`?auth=${REDACTED}`);
    expect(registry.redact(`/bot${encodeURIComponent(token)}/getMe`)).toBe(`/bot${REDACTED}/getMe`);
  });

  it('replaces the base64 forms: a Basic-auth header, an auth_token value', () => {
    const basic = Buffer.from(`opencode:${password}`).toString('base64');
    expect(registry.redact(`Authorization: Basic ${basic}`)).toBe(
      `Authorization: Basic ${REDACTED}`,
    );
    const b64url = Buffer.from(password).toString('base64url');
    expect(registry.redact(`/event?auth_token=${b64url}`)).toBe(`/event?auth_token=${REDACTED}`);
  });

  it('replaces a token-shaped value nobody registered', () => {
    const other = botToken();
    expect(createSecretRegistry().redact(`/bot${other}/sendMessage`)).toBe(
      `/bot${REDACTED}/sendMessage`,
    );
  });

  it('leaves ordinary text, and ignores empty and very short secrets', () => {
    const r = createSecretRegistry();
    r.add('');
    r.add('abc');
    r.add(undefined);
    expect(r.redact('abc at 12:30, run 2 of 3')).toBe('abc at 12:30, run 2 of 3');
    expect(r.secrets()).toEqual([]);
  });
});

describe('redactDeep', () => {
  const token = botToken();
  const registry = createSecretRegistry();
  registry.add(token);

  it('redacts every string of a status, nested as deep as it goes', () => {
    const status = {
      running: true,
      telegram: { kind: 'error', reason: `Telegram answered 502 for /bot${token}/getUpdates` },
      sessions: [{ title: `uses ${token}`, busy: false }],
    };
    const clean = redactDeep(status, registry.redact);
    expect(JSON.stringify(clean)).not.toContain(token);
    expect(clean.telegram.reason).toBe(`Telegram answered 502 for /bot${REDACTED}/getUpdates`);
    expect(clean.running).toBe(true);
    expect(status.telegram.reason).toContain(token);
  });

  it('passes a file to upload through untouched', () => {
    const file = new InputFile(Buffer.from(token), 'token.txt');
    const payload = { chat_id: 1, document: file, caption: token };
    const clean = redactDeep(payload, registry.redact);
    expect(clean.document).toBe(file);
    expect(clean.caption).toBe(REDACTED);
  });
});
