// What the turn registry remembers between events stays bounded: after many turns and sessions
// have ended, it holds nothing for them (every session on the server sends events, followed or not).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChatDirectory } from '../../main/core/chats';
import { createLogHub } from '../../main/core/log';
import type { OpencodeAdapter } from '../../main/core/opencode/adapter';
import type { OpencodeEvent } from '../../main/core/opencode/types';
import { StateStore } from '../../main/core/state-store';
import type { Messenger, Place } from '../../main/core/telegram/messenger';
import { TurnRegistry } from '../../main/core/turn/turns';
import { until } from '../helpers/until';
import { bridgeEvents } from '../support/raw-events';

interface Sent {
  place: Place;
  html: string;
  replyTo: number | undefined;
}

async function setup() {
  const store = StateStore.inDir(await mkdtemp(path.join(tmpdir(), 'turn-maps-')));
  await store.load();
  const chats = new ChatDirectory(store, tmpdir());
  const sent: Sent[] = [];
  let nextId = 100;
  const messenger = {
    send: (place: Place, html: string, options: { replyToMessageId?: number }) => {
      sent.push({ place, html, replyTo: options.replyToMessageId });
      return Promise.resolve({ message_id: nextId++ });
    },
    edit: () => Promise.resolve(undefined),
    sendDocument: () => Promise.resolve(undefined),
    typing: () => Promise.resolve(),
  } as unknown as Messenger;
  const client = {
    messages: () => Promise.resolve([]),
    sessionStatus: () => Promise.resolve({}),
  } as unknown as OpencodeAdapter;
  const hub = createLogHub();
  const delivered: string[] = [];
  hub.addSink((e) => {
    if (e.message.endsWith('delivered.')) delivered.push(e.message);
  });
  let clock = 1_000_000;
  const turns = new TurnRegistry({
    messenger,
    client,
    chats,
    log: hub.logger('turn'),
    store,
    now: () => clock,
    onChange: () => undefined,
  });
  const emit = (_sessionId: string, event: OpencodeEvent) => {
    for (const normalised of bridgeEvents(event)) turns.onEvent(normalised);
  };
  const user = (sessionId: string, id: string) =>
    emit(sessionId, {
      type: 'message.updated',
      properties: {
        sessionID: sessionId,
        info: { id, sessionID: sessionId, role: 'user', time: { created: (clock += 10) } },
      },
    });
  const assistant = (sessionId: string, id: string, parentID: string) =>
    emit(sessionId, {
      type: 'message.updated',
      properties: {
        sessionID: sessionId,
        info: {
          id,
          sessionID: sessionId,
          role: 'assistant',
          parentID,
          modelID: 'm',
          providerID: 'p',
          cost: 0,
          tokens: { input: 1, output: 1, reasoning: 0, cache: { read: 0, write: 0 } },
          time: { created: (clock += 10) },
        },
      },
    });
  const status = (sessionId: string, type: 'busy' | 'idle') =>
    emit(sessionId, {
      type: 'session.status',
      properties: { sessionID: sessionId, status: { type } },
    });
  const idle = (sessionId: string) => {
    status(sessionId, 'idle');
    emit(sessionId, { type: 'session.idle', properties: { sessionID: sessionId } });
  };
  const deleted = (sessionId: string) =>
    emit(sessionId, { type: 'session.deleted', properties: { sessionID: sessionId } });
  const follow = (chatId: number, sessionId: string) =>
    chats.update({ chatId }, (c) => void (c.sessionId = sessionId));
  const untilDelivered = (n: number) => until(() => delivered.length >= n);
  return { turns, sent, user, assistant, status, idle, deleted, follow, untilDelivered, chats };
}

const empty = { turns: 0, lastUserMessage: 0, ownReplies: 0, queued: 0, retries: 0 };

describe('TurnRegistry memory', () => {
  it('keeps nothing for sessions no chat follows, however many send events', async () => {
    const t = await setup();
    for (let i = 0; i < 200; i++) {
      const session = `ses_desk${i}`;
      t.user(session, 'msg_u1');
      t.status(session, 'busy');
      t.assistant(session, 'msg_a1', 'msg_u1');
      t.idle(session);
    }
    expect(t.turns.sizes()).toEqual(empty);
  });

  it('after many phone turns with queued prompts have ended, holds one entry per followed session, none once deleted', async () => {
    const t = await setup();
    const chats = 10;
    let delivered = 0;
    for (let round = 0; round < 5; round++) {
      for (let c = 0; c < chats; c++) {
        const session = `ses_chat${c}`;
        if (round === 0) await t.follow(1000 + c, session);
        t.turns.start(session, { chatId: 1000 + c }, 0, { replyTo: 1 });
        t.user(session, `msg_${round}u1`);
        t.status(session, 'busy');
        t.turns.noteQueued(session, 2);
        t.user(session, `msg_${round}u2`);
        t.assistant(session, `msg_${round}a1`, `msg_${round}u1`);
        // The queued prompt starts: its own turn, replying to its own message.
        t.assistant(session, `msg_${round}a2`, `msg_${round}u2`);
        t.idle(session);
        delivered += 2;
      }
      await t.untilDelivered(delivered);
    }
    expect(t.turns.sizes()).toEqual({ ...empty, lastUserMessage: chats });
    for (let c = 0; c < chats; c++) t.deleted(`ses_chat${c}`);
    expect(t.turns.sizes()).toEqual(empty);
  });

  it('an aborted turn drops the prompts OpenCode had queued: the next queued answer replies to its own message', async () => {
    const t = await setup();
    const session = 'ses_abort';
    await t.follow(7, session);
    t.turns.start(session, { chatId: 7 }, 0, { replyTo: 10 });
    t.user(session, 'msg_1u');
    t.status(session, 'busy');
    t.turns.noteQueued(session, 11);
    t.user(session, 'msg_2u');
    // /abort: OpenCode stops and drops the queued prompt; the session goes idle.
    t.idle(session);
    await t.untilDelivered(1);

    t.turns.start(session, { chatId: 7 }, 0, { replyTo: 20 });
    t.user(session, 'msg_3u');
    t.status(session, 'busy');
    t.turns.noteQueued(session, 21);
    t.user(session, 'msg_4u');
    t.assistant(session, 'msg_3a', 'msg_3u');
    t.assistant(session, 'msg_4a', 'msg_4u');
    t.idle(session);
    await t.untilDelivered(3);
    const replies = t.sent.filter((s) => s.html.startsWith('⏳')).map((s) => s.replyTo);
    expect(replies).toEqual([10, 20, 21]);
    expect(t.turns.sizes()).toEqual({ ...empty, lastUserMessage: 1 });
  });
});

describe('the resync after a connect', () => {
  it('leaves a prompt sent while the status was read to its start watch, and ends one that ran', async () => {
    const { turns, user, untilDelivered } = await setup();
    // A prompt that reached OpenCode after the status snapshot: idle there, nothing heard yet.
    turns.start('ses_new', { chatId: 7 }, 1_000_000);
    turns.resync(new Set());
    expect(turns.isBusy('ses_new')).toBe(true);
    // Once OpenCode has spoken about it, an idle status means it is over.
    user('ses_new', 'msg_u1');
    turns.resync(new Set());
    expect(turns.isBusy('ses_new')).toBe(false);
    await untilDelivered(1);
  });
});
