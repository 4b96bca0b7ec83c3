// Validates reply_markup like Telegram. Only inline keyboards appear on the returned Message;
// reply keyboards, ForceReply and ReplyKeyboardRemove are accepted but not echoed back.
import type { InlineKeyboardMarkup } from 'grammy/types';
import { badRequest } from './errors';
import type { Params } from './params';

export interface ParsedMarkup {
  /** The inline keyboard as the Message will carry it, if any. */
  inline: InlineKeyboardMarkup | undefined;
  /** Whatever was sent, for the test-side readers. */
  raw: unknown;
}

const CALLBACK_DATA_MAX_BYTES = 64;
const BUTTON_KINDS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];

export function parseReplyMarkup(params: Params): ParsedMarkup {
  const raw = params.optJson<unknown>('reply_markup', 'reply keyboard markup JSON object');
  if (raw === undefined) return { inline: undefined, raw: undefined };
  if (typeof raw !== 'object' || raw === null) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  const rows = (raw as { inline_keyboard?: unknown }).inline_keyboard;
  if (rows === undefined) return { inline: undefined, raw };
  if (!Array.isArray(rows)) throw badRequest('field "inline_keyboard" must be of type Array');
  for (const row of rows as unknown[]) {
    if (!Array.isArray(row)) throw badRequest('field "inline_keyboard" must be of type Array');
    for (const button of row as unknown[]) validateButton(button);
  }
  // An empty keyboard removes the markup, as in Telegram.
  const nonEmpty = (rows as unknown[][]).filter((row) => row.length > 0);
  const inline =
    nonEmpty.length === 0 ? undefined : ({ inline_keyboard: nonEmpty } as InlineKeyboardMarkup);
  return { inline, raw };
}

function validateButton(button: unknown): void {
  if (typeof button !== 'object' || button === null) {
    throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  }
  const record = button as Record<string, unknown>;
  if (typeof record['text'] !== 'string') {
    throw badRequest(`can't parse inline keyboard button: Field "text" must be of type String`);
  }
  if (record['text'] === '') throw badRequest('BUTTON_TEXT_INVALID');
  const kinds = BUTTON_KINDS.filter((k) => record[k] !== undefined);
  if (kinds.length === 0) {
    throw badRequest(
      "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
  }
  const data = record['callback_data'];
  if (data !== undefined) {
    if (typeof data !== 'string') throw badRequest('BUTTON_DATA_INVALID');
    const size = Buffer.byteLength(data, 'utf8');
    if (size < 1 || size > CALLBACK_DATA_MAX_BYTES) throw badRequest('BUTTON_DATA_INVALID');
  }
  const url = record['url'];
  if (url !== undefined && (typeof url !== 'string' || !/^(https?|tg):\/\/\S+$/i.test(url))) {
    throw badRequest('BUTTON_URL_INVALID');
  }
}
