// setMyCommands / getMyCommands / deleteMyCommands, keyed by scope and language_code exactly
// like Telegram: getMyCommands returns only what was set for that exact pair.
import type { BotCommand } from 'grammy/types';
import type { MethodContext, MethodHandler } from '../context';
import { badRequest } from '../errors';
import { canonical } from '../message-factory';
import type { Params } from '../params';
import type { Store } from '../store';

const SCOPES = new Set([
  'default',
  'all_private_chats',
  'all_group_chats',
  'all_chat_administrators',
  'chat',
  'chat_administrators',
  'chat_member',
]);

function scopeKey(
  ctx: MethodContext,
  params: Params,
): { key: string; scope: Record<string, unknown>; languageCode: string } {
  const scope = params.optJson<Record<string, unknown>>('scope', 'BotCommandScope JSON object') ?? {
    type: 'default',
  };
  const type = scope['type'];
  if (typeof type !== 'string' || !SCOPES.has(type))
    throw badRequest('unsupported bot command scope type');
  if (type.startsWith('chat')) {
    const chatId = scope['chat_id'];
    const known =
      typeof chatId === 'string'
        ? ctx.store.chatByUsername(chatId)
        : ctx.store.chat(Number(chatId));
    // A private chat is known only once the user has started the bot; channels have no menu.
    if (!known || known.chat.type === 'channel') throw badRequest('chat not found');
    // "@name" and the numeric id are the same scope.
    scope['chat_id'] = known.chat.id;
  }
  const languageCode = params.optString('language_code') ?? '';
  if (languageCode !== '' && !/^[a-z]{2}$/.test(languageCode))
    throw badRequest('LANG_CODE_INVALID');
  return { key: `${canonical(scope)}|${languageCode}`, scope, languageCode };
}

export const setMyCommands: MethodHandler = (ctx, params) => {
  const commands = params.optJson<BotCommand[]>('commands', 'BotCommand array JSON object');
  if (!Array.isArray(commands)) throw badRequest("can't parse BotCommand array JSON object");
  if (commands.length > 100) throw badRequest('too many commands specified');
  for (const command of commands) {
    if (typeof command.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command.command)) {
      throw badRequest('BOT_COMMAND_INVALID');
    }
    if (typeof command.description !== 'string' || command.description.trim() === '') {
      throw badRequest('command description must be non-empty');
    }
    if (command.description.length > 256) throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
  }
  const { key, scope, languageCode } = scopeKey(ctx, params);
  const clean = commands.map(({ command, description }) => ({ command, description }));
  // Setting an empty list is the same as deleting.
  if (clean.length === 0) ctx.store.commands.delete(key);
  else ctx.store.commands.set(key, { scope, languageCode, commands: clean });
  return true;
};

export const getMyCommands: MethodHandler = (ctx, params) =>
  ctx.store.commands.get(scopeKey(ctx, params).key)?.commands ?? [];

export const deleteMyCommands: MethodHandler = (ctx, params) => {
  ctx.store.commands.delete(scopeKey(ctx, params).key);
  return true;
};

/**
 * The menu a user sees in a chat, resolved in the order the Bot API documents (BotCommandScope,
 * "Determining list of commands"): the first list set for the narrowest matching scope wins.
 */
export function menuFor(
  store: Store,
  input: { chatId: number; userId?: number; languageCode?: string; admin?: boolean },
): BotCommand[] {
  const chat = store.chat(input.chatId);
  if (!chat) return [];
  const { chatId, userId, admin = false } = input;
  const scopes: Array<Record<string, unknown>> =
    chat.chat.type === 'private'
      ? [{ type: 'chat', chat_id: chatId }, { type: 'all_private_chats' }]
      : [
          ...(userId !== undefined
            ? [{ type: 'chat_member', chat_id: chatId, user_id: userId }]
            : []),
          ...(admin ? [{ type: 'chat_administrators', chat_id: chatId }] : []),
          { type: 'chat', chat_id: chatId },
          ...(admin ? [{ type: 'all_chat_administrators' }] : []),
          { type: 'all_group_chats' },
        ];
  scopes.push({ type: 'default' });
  const languages = input.languageCode ? [input.languageCode, ''] : [''];
  for (const scope of scopes) {
    for (const language of languages) {
      const set = store.commands.get(`${canonical(scope)}|${language}`);
      if (set) return set.commands;
    }
  }
  return [];
}
