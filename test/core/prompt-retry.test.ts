// OpenCode 1.18 #47566 ("database is locked"): a prompt OpenCode took and then dropped is sent
// again with backoff, the chat hears about it once in plain words, and if the database stays
// busy the turn ends saying so — never with OpenCode's stack trace. Driven through sendPrompt and
// the turn registry with a fake adapter and a fake clock.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChatDirectory } from '../../main/core/chats';
import type { BridgeContext } from '../../main/core/context';
import { sendPrompt } from '../../main/core/features/prompt';
import { createLogHub } from '../../main/core/log';
import type { OpencodeAdapter } from '../../main/core/opencode/adapter';
import type { OpencodeEvent } from '../../main/core/opencode/types';
import { StateStore } from '../../main/core/state-store';
import type { Messenger, Place } from '../../main/core/telegram/messenger';
import { TurnRegistry } from '../../main/core/turn/turns';
import { until } from '../helpers/until';
import { bridgeEvents } from '../support/raw-events';

const SESSION = 'ses_locked';
const place: Place = { chatId: 42, threadId: undefined };
/** What 1.18.33 sent in the probe (test/opencode-bench/known-bugs.test.ts), shortened. */
const lockedError: OpencodeEvent = {
  type: 'session.error',
  properties: {
    sessionID: SESSION,
    error: {
      name: 'UnknownError',
      data: {
        message:
          'LockTimeoutError: timed out\n    at acquire (/$bunfs/root/src/storage/db.ts:88:13)\n' +
          'SQLiteError: database is locked',
      },
    },
  },
};

async function setup() {
  const store = StateStore.inDir(await mkdtemp(path.join(tmpdir(), 'prompt-retry-')));
  await store.load();
  const chats = new ChatDirectory(store, tmpdir());
  await chats.update(place, (c) => void (c.sessionId = SESSION));
  const sent: Array<{ html: string; replyTo: number | undefined }> = [];
  let nextId = 500;
  const messenger = {
    send: (_place: Place, html: string, options: { replyToMessageId?: number }) => {
      sent.push({ html, replyTo: options.replyToMessageId });
      return Promise.resolve({ message_id: nextId++ });
    },
    edit: (_p: Place, _id: number, _key: string, render: () => string | undefined) => {
      const html = render();
      if (html !== undefined) sent.push({ html, replyTo: undefined });
      return Promise.resolve(undefined);
    },
    sendDocument: () => Promise.resolve(undefined),
    typing: () => Promise.resolve(),
  } as unknown as Messenger;
  const prompts: string[] = [];
  const client = {
    prompt: (_sessionId: string, parts: Array<{ type: string; text?: string }>) => {
      prompts.push(parts.map((p) => p.text ?? '').join(''));
      return Promise.resolve();
    },
    messages: () => Promise.resolve([]),
    sessionStatus: () => Promise.resolve({}),
  } as unknown as OpencodeAdapter;
  const timers: Array<{ ms: number; run: () => void; cancelled: boolean }> = [];
  const hub = createLogHub();
  const turns = new TurnRegistry({
    messenger,
    client,
    chats,
    log: hub.logger('turn'),
    store,
    now: () => 1_000_000,
    onChange: () => undefined,
    schedule: (run, ms) => {
      const timer = { ms, run, cancelled: false };
      timers.push(timer);
      return { cancel: () => void (timer.cancelled = true) };
    },
  });
  const context = {
    settings: {},
    logger: (scope: string) => hub.logger(scope),
    client,
    messenger,
    chats,
    turns,
    now: () => 1_000_000,
    statusChanged: () => undefined,
    beforeSideEffect: () => Promise.resolve(),
  } as unknown as BridgeContext;
  const emit = (event: OpencodeEvent) => {
    for (const normalised of bridgeEvents(event)) turns.onEvent(normalised);
  };
  /** Runs the one pending resend timer; returns its delay. */
  const fire = async () => {
    const timer = timers.find((t) => !t.cancelled);
    expect(timer).toBeDefined();
    timer!.cancelled = true;
    timer!.run();
    await Promise.resolve();
    return timer!.ms;
  };
  return { context, turns, sent, prompts, timers, emit, fire };
}

const texts = (sent: Array<{ html: string }>) => sent.map((s) => s.html).join('\n');

describe('a prompt lost to a locked database', () => {
  it('is sent again after 2 s, said once, and the turn then runs as usual', async () => {
    const t = await setup();
    expect(await sendPrompt(t.context, place, [{ type: 'text', text: 'fix it' }], 7)).toBe(true);
    expect(t.prompts).toEqual(['fix it']);
    t.emit(lockedError);
    expect(await t.fire()).toBe(2000);
    expect(t.prompts).toEqual(['fix it', 'fix it']);
    await until(() => t.sent.some((s) => s.html.includes('database was busy')));
    const notes = t.sent.filter((s) => s.html.includes('database was busy'));
    expect(notes).toEqual([
      {
        html: '⏳ OpenCode’s database was busy (another opencode process is writing it); trying again…',
        replyTo: 7,
      },
    ]);
    // This time OpenCode stores it and answers.
    t.emit({
      type: 'message.updated',
      properties: {
        sessionID: SESSION,
        info: { id: 'msg_u1', sessionID: SESSION, role: 'user', time: { created: 1_000_000 } },
      },
    });
    t.emit({
      type: 'session.status',
      properties: { sessionID: SESSION, status: { type: 'busy' } },
    });
    t.emit({ type: 'session.idle', properties: { sessionID: SESSION } });
    await until(() => !t.turns.isBusy(SESSION) && t.sent.some((s) => s.html.startsWith('✅')));
    expect(texts(t.sent)).not.toMatch(/SQLiteError|LockTimeoutError|Failed/);
    expect(t.turns.sizes()['retries']).toBe(0);
  });

  it('is tried three times (2, 4, 8 s); then the turn ends in plain words, without the stack trace', async () => {
    const t = await setup();
    await sendPrompt(t.context, place, [{ type: 'text', text: 'fix it' }], 7);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      t.emit(lockedError);
      delays.push(await t.fire());
    }
    expect(delays).toEqual([2000, 4000, 8000]);
    expect(t.prompts).toHaveLength(4);
    t.emit(lockedError);
    expect(t.timers.filter((x) => !x.cancelled)).toEqual([]);
    await until(() => !t.turns.isBusy(SESSION) && t.sent.some((s) => s.html.startsWith('⚠️')));
    const all = texts(t.sent);
    expect(all.match(/trying again/g)).toHaveLength(1);
    expect(all).toContain('database stayed busy');
    expect(all).toContain('send the message again');
    expect(all).not.toMatch(/SQLiteError|LockTimeoutError|db\.ts/);
  });

  it('is not sent again once OpenCode stored it (a later lock error is the turn’s own)', async () => {
    const t = await setup();
    await sendPrompt(t.context, place, [{ type: 'text', text: 'fix it' }], 7);
    t.emit({
      type: 'message.updated',
      properties: {
        sessionID: SESSION,
        info: { id: 'msg_u1', sessionID: SESSION, role: 'user', time: { created: 1_000_000 } },
      },
    });
    t.emit(lockedError);
    expect(t.timers).toEqual([]);
    expect(t.prompts).toEqual(['fix it']);
    // The error still reaches the turn, in plain words.
    t.emit({ type: 'session.idle', properties: { sessionID: SESSION } });
    await until(() => t.sent.some((s) => s.html.startsWith('⚠️')));
    expect(texts(t.sent)).toContain('database was busy');
    expect(texts(t.sent)).not.toMatch(/SQLiteError/);
  });
});
