// The messenger's plain-text fallback: when Telegram refuses our HTML, the same text goes again
// without formatting. That retry is a second message call in the chat, so it must keep the chat's
// interval like any other instead of following the refused call at once.
import { GrammyError, type Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../main/core/log';
import { Messenger } from '../../main/core/telegram/messenger';
import { createOutbox } from '../../main/core/telegram/outbox/outbox';
import { createFakeClock } from './fake-clock';

const refusedHtml = (method: string) =>
  new GrammyError(
    `Call to '${method}' failed!`,
    {
      ok: false,
      error_code: 400,
      description: "Bad Request: can't parse entities: unsupported start tag",
    },
    method,
    {},
  );

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

function setup() {
  const clock = createFakeClock();
  const calls: { method: string; at: number; html: boolean; text: string }[] = [];
  const record = (method: string, text: string, other: { parse_mode?: string } | undefined) => {
    const html = other?.parse_mode === 'HTML';
    calls.push({ method, at: clock.now(), html, text });
    if (html && text.includes('<broken>')) return Promise.reject(refusedHtml(method));
    return Promise.resolve({ message_id: 1, text } as never);
  };
  const api = {
    sendMessage: (_chat: number, text: string, other?: { parse_mode?: string }) =>
      record('sendMessage', text, other),
    editMessageText: (_c: number, _m: number, text: string, other?: { parse_mode?: string }) =>
      record('editMessageText', text, other),
  } as unknown as Api;
  const outbox = createOutbox({ clock, random: () => 0 });
  return { clock, calls, messenger: new Messenger(api, outbox, silent) };
}

describe('plain-text fallback', () => {
  it('sends the plain-text retry of a refused message a full interval after the refused call', async () => {
    const { clock, calls, messenger } = setup();
    const sent = messenger.send({ chatId: 7 }, 'a <broken> answer', { priority: 'final' });
    await clock.settle(sent);
    expect(calls.map((c) => [c.method, c.html, c.at])).toEqual([
      ['sendMessage', true, 0],
      ['sendMessage', false, 1000],
    ]);
  });

  it('does the same for an edit, with the newest text', async () => {
    const { clock, calls, messenger } = setup();
    const edited = messenger.edit({ chatId: -100 }, 5, 'live:-100:5', () => 'x <broken> y', {
      priority: 'final',
    });
    await clock.settle(edited);
    expect(calls.map((c) => [c.method, c.html, c.at])).toEqual([
      ['editMessageText', true, 0],
      ['editMessageText', false, 1000],
    ]);
    expect(calls[1]!.text).not.toContain('<');
  });
});
