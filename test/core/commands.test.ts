// Which first words are commands, and for which bot.
import type { MessageEntity } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { commandWordOf } from '../../main/core/telegram/commands';

const command = (length: number): MessageEntity[] => [{ type: 'bot_command', offset: 0, length }];

describe('commandWordOf', () => {
  it('takes a path at the start of a message for text, not a command', () => {
    expect(commandWordOf('/Users/me/app.ts crashes on start', undefined, 'ourbot')).toEqual({
      kind: 'none',
    });
  });

  it('tells our commands from another bot’s', () => {
    expect(commandWordOf('/foo bar', command(4), 'ourbot')).toEqual({
      kind: 'ours',
      command: '/foo',
    });
    expect(commandWordOf('/status@OurBot', command(14), 'ourbot')).toEqual({
      kind: 'ours',
      command: '/status',
    });
    expect(commandWordOf('/cmd@otherbot x', command(13), 'ourbot')).toEqual({
      kind: 'other-bot',
      command: '/cmd',
    });
  });

  it('looks only at a command at the very start', () => {
    const later: MessageEntity[] = [{ type: 'bot_command', offset: 4, length: 5 }];
    expect(commandWordOf('see /help', later, 'ourbot')).toEqual({ kind: 'none' });
  });
});
