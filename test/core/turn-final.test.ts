// A turn's final state read back from OpenCode's storage: was it finished, or cut off?
import { describe, expect, it } from 'vitest';
import type { MessageWithParts, Part } from '../../main/core/opencode/types';
import { TurnModel } from '../../main/core/turn/turn-model';

const user: MessageWithParts = {
  info: { id: 'msg_1', sessionID: 's', role: 'user', time: { created: 10 } },
  parts: [{ id: 'prt_u', sessionID: 's', messageID: 'msg_1', type: 'text', text: 'ask me' }],
};

function step(id: string, finish: string, parts: Part[]): MessageWithParts {
  return {
    info: {
      id,
      sessionID: 's',
      role: 'assistant',
      parentID: 'msg_1',
      modelID: 'm',
      providerID: 'p',
      cost: 0,
      tokens: { input: 1, output: 1, reasoning: 0, cache: { read: 0, write: 0 } },
      time: { created: 20, completed: 30 },
      finish,
    },
    parts,
  };
}

const question = (status: 'completed' | 'error'): Part => ({
  id: 'prt_q',
  sessionID: 's',
  messageID: 'msg_2',
  type: 'tool',
  callID: 'call_1',
  tool: 'question',
  state: { status, input: {} },
});

describe('TurnModel.fromMessages', () => {
  it('a question answered, then OpenCode gone before the next step: interrupted, not done', () => {
    const final = TurnModel.fromMessages(
      's',
      0,
      [user, step('msg_2', 'tool-calls', [question('completed')])],
      'msg_1',
    );
    expect(final.interrupted).toBe(true);
  });

  it('the next step answered: done', () => {
    const answer: Part = {
      id: 'prt_a',
      sessionID: 's',
      messageID: 'msg_3',
      type: 'text',
      text: 'You chose Red.',
    };
    const final = TurnModel.fromMessages(
      's',
      0,
      [user, step('msg_2', 'tool-calls', [question('completed')]), step('msg_3', 'stop', [answer])],
      'msg_1',
    );
    expect(final.interrupted).toBe(false);
    expect(final.answer).toBe('You chose Red.');
  });

  it('a tool that failed (a rejected permission or a skipped question) ends the turn on purpose: done', () => {
    const final = TurnModel.fromMessages(
      's',
      0,
      [user, step('msg_2', 'tool-calls', [question('error')])],
      'msg_1',
    );
    expect(final.interrupted).toBe(false);
  });
});
