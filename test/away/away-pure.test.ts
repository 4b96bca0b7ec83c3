// The pure rules of away mode: when a desk turn ends, who hears about what, what the phone reads.
import { describe, expect, it } from 'vitest';
import { DeskTurnTracker } from '../../main/core/away/desk-turns';
import {
  answerPreview,
  deskHeader,
  deskTurnNotice,
  formatDuration,
} from '../../main/core/away/desk-view';
import { chatNotify, wants } from '../../main/core/away/notify-mode';
import { awayFrom } from '../../main/core/away/presence';
import type { OpencodeEvent, Session } from '../../main/core/opencode/types';
import { bridgeEvents } from '../support/raw-events';

const status = (sessionID: string, type: 'busy' | 'idle'): OpencodeEvent => ({
  type: 'session.status',
  properties: { sessionID, status: { type } },
});
const idle = (sessionID: string): OpencodeEvent => ({
  type: 'session.idle',
  properties: { sessionID },
});

const session = (patch: Partial<Session> = {}): Session => ({
  id: 'ses_1',
  title: 'Nightly cleanup',
  directory: '/Users/ada/code/app',
  time: { created: 0, updated: 0 },
  ...patch,
});

/** The tracker, fed OpenCode 1.x's raw events through the adapter's normaliser. */
class RawTracker {
  private readonly tracker = new DeskTurnTracker();
  apply(raw: OpencodeEvent, _sessionId: string, now: number) {
    return bridgeEvents(raw)
      .map((event) => this.tracker.apply(event, now))
      .find((ended) => ended !== undefined);
  }
  isRunning(sessionId: string): boolean {
    return this.tracker.isRunning(sessionId);
  }
}

describe('desk turn tracker', () => {
  it('a turn runs from busy to idle, once, whichever idle comes first', () => {
    const tracker = new RawTracker();
    expect(tracker.apply(status('s', 'busy'), 's', 1000)).toBeUndefined();
    expect(tracker.apply(status('s', 'busy'), 's', 5000)).toBeUndefined();
    expect(tracker.apply(status('s', 'idle'), 's', 41_000)).toEqual({
      sessionId: 's',
      startedAt: 1000,
      endedAt: 41_000,
      error: undefined,
      aborted: false,
    });
    expect(tracker.apply(idle('s'), 's', 41_001)).toBeUndefined();
  });

  it('keeps a retry inside the turn, and notes a failure or an abort', () => {
    const tracker = new RawTracker();
    tracker.apply(status('a', 'busy'), 'a', 0);
    tracker.apply(
      {
        type: 'session.status',
        properties: {
          sessionID: 'a',
          status: { type: 'retry', attempt: 1, message: 'x', next: 1 },
        },
      },
      'a',
      10,
    );
    expect(tracker.isRunning('a')).toBe(true);
    tracker.apply(
      {
        type: 'session.error',
        properties: { sessionID: 'a', error: { name: 'APIError', data: { message: 'boom' } } },
      },
      'a',
      20,
    );
    expect(tracker.apply(idle('a'), 'a', 30)?.error?.name).toBe('APIError');

    tracker.apply(status('b', 'busy'), 'b', 0);
    tracker.apply(
      {
        type: 'session.error',
        properties: { sessionID: 'b', error: { name: 'MessageAbortedError' } },
      },
      'b',
      5,
    );
    expect(tracker.apply(idle('b'), 'b', 9)).toMatchObject({ aborted: true, error: undefined });
  });

  it('an idle without a busy first (the bridge started mid-turn) ends nothing', () => {
    expect(new RawTracker().apply(idle('s'), 's', 1)).toBeUndefined();
  });
});

describe('notify modes', () => {
  it('a chat’s own choice wins over the default; followed means off', () => {
    expect(chatNotify(undefined, 'all')).toBe('all');
    expect(chatNotify(undefined, 'followed')).toBe('off');
    expect(chatNotify('prompts', 'followed')).toBe('prompts');
    expect(chatNotify('off', 'all')).toBe('off');
  });

  it('prompts mode gets prompts but not finished turns', () => {
    expect(wants('all', 'turn')).toBe(true);
    expect(wants('prompts', 'prompt')).toBe(true);
    expect(wants('prompts', 'turn')).toBe(false);
    expect(wants('off', 'prompt')).toBe(false);
  });
});

describe('away rule', () => {
  const at = { screenLocked: false, suspended: false, idleSeconds: 0 };
  it('away when locked, asleep, or idle for the minutes set', () => {
    expect(awayFrom(at, 5)).toBe(false);
    expect(awayFrom({ ...at, screenLocked: true }, 5)).toBe(true);
    expect(awayFrom({ ...at, suspended: true }, 5)).toBe(true);
    expect(awayFrom({ ...at, idleSeconds: 299 }, 5)).toBe(false);
    expect(awayFrom({ ...at, idleSeconds: 300 }, 5)).toBe(true);
  });
});

describe('what the phone reads', () => {
  it('heads a prompt with the session’s title and folder; a sub-agent’s with its parent’s too', () => {
    expect(deskHeader(session())).toBe(
      '🖥 <b>Nightly cleanup</b> · <code>/Users/ada/code/app</code>',
    );
    expect(deskHeader(session({ title: 'Find tests' }), session({ title: 'Fix <CI>' }))).toBe(
      '🖥 <b>Fix &lt;CI&gt;</b> › sub-agent <b>Find tests</b> · <code>/Users/ada/code/app</code>',
    );
  });

  it('shows what is hidden in a title, and clips long ones', () => {
    expect(deskHeader(session({ title: 'a\u202Eb' }))).toContain('a⟨U+202E⟩b');
    expect(deskHeader(session({ title: 'x'.repeat(200) }))).toContain(`${'x'.repeat(59)}…`);
  });

  it('a finished turn: title, duration, folder and the answer’s first lines', () => {
    const turn = { sessionId: 'ses_1', startedAt: 0, endedAt: 95_000, aborted: false };
    expect(
      deskTurnNotice(session(), turn, {
        answer: '## Done\n\nAll **tests** pass.\n\nNext: ship it.\nMore.\nEven more.',
        aborted: false,
      }),
    ).toBe(
      '🖥 <b>Nightly cleanup</b> finished after 1 min 35 s · <code>/Users/ada/code/app</code>\n\nDone\nAll tests pass.\nNext: ship it.\n…',
    );
    expect(
      deskTurnNotice(session(), turn, {
        answer: '',
        error: { name: 'ProviderAuthError' },
        aborted: false,
      }),
    ).toMatch(
      /^⚠️ <b>Nightly cleanup<\/b> failed after 1 min 35 s · .*\nthe model provider rejected/u,
    );
    expect(
      deskTurnNotice(session(), { ...turn, aborted: true }, { answer: '', aborted: false }),
    ).toBe(
      '⏹ <b>Nightly cleanup</b> was stopped after 1 min 35 s · <code>/Users/ada/code/app</code>',
    );
  });

  it('durations and previews stay short', () => {
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(3_725_000)).toBe('1 h 2 min');
    expect(answerPreview('y'.repeat(1000))).toHaveLength(300);
  });
});
