// What a text message's first word means. A command is what Telegram marks as one (a bot_command
// entity at the start): `/Users/me/app.ts crashes` is not one, it is a prompt. `/status@otherbot`
// in a group is for another bot; `/status@ourbot` is ours.
import type { MessageEntity } from 'grammy/types';

export type CommandWord =
  { kind: 'none' } | { kind: 'ours'; command: string } | { kind: 'other-bot'; command: string };

export function commandWordOf(
  text: string,
  entities: readonly MessageEntity[] | undefined,
  botUsername: string,
): CommandWord {
  const entity = entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!entity) return { kind: 'none' };
  const word = text.slice(0, entity.length);
  const at = word.indexOf('@');
  if (at === -1) return { kind: 'ours', command: word };
  const command = word.slice(0, at);
  return word.slice(at + 1).toLowerCase() === botUsername.toLowerCase()
    ? { kind: 'ours', command }
    : { kind: 'other-bot', command };
}
