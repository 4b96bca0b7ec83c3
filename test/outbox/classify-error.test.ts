import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { classifyTelegramError } from '../../main/core/telegram/outbox/classify-error';

const grammyError = (error_code: number, parameters: { retry_after?: number } = {}) =>
  new GrammyError(
    'Call to sendMessage failed!',
    { ok: false, error_code, description: 'x', parameters },
    'sendMessage',
    {},
  );

describe('classifyTelegramError (duck-typed, checked against real grammY errors)', () => {
  it('reads retry_after from a 429', () => {
    expect(classifyTelegramError(grammyError(429, { retry_after: 3 }))).toEqual({
      kind: 'rateLimited',
      retryAfterSeconds: 3,
    });
  });

  it('treats 5xx, a 429 without retry_after and network failures as transient', () => {
    expect(classifyTelegramError(grammyError(502))).toEqual({ kind: 'transient' });
    expect(classifyTelegramError(grammyError(429))).toEqual({ kind: 'transient' });
    expect(classifyTelegramError(new HttpError('Network request failed', new Error()))).toEqual({
      kind: 'transient',
    });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyTelegramError(reset)).toEqual({ kind: 'transient' });
  });

  it('treats 4xx and unknown errors as fatal', () => {
    expect(classifyTelegramError(grammyError(400))).toEqual({ kind: 'fatal' });
    expect(classifyTelegramError(grammyError(403))).toEqual({ kind: 'fatal' });
    expect(classifyTelegramError(new Error('boom'))).toEqual({ kind: 'fatal' });
    expect(classifyTelegramError('boom')).toEqual({ kind: 'fatal' });
    expect(classifyTelegramError(undefined)).toEqual({ kind: 'fatal' });
  });
});
