// A list to pick from (sessions, folders, models, agents): one button per row, each carrying only
// its index into the list registered under the buttons' token, since the list itself would not
// fit in 64 bytes of callback_data.
import type { InlineKeyboardButton } from 'grammy/types';
import { callbackData } from './buttons';

export interface Choice {
  label: string;
  /** Marked with ✓: what the chat uses now. */
  current: boolean;
}

/** The arg of the row that stands for "no choice of my own" (OpenCode's default). */
export const DEFAULT_ARG = 'default';

export function choiceRows(
  token: string,
  choices: readonly Choice[],
  defaultRow?: Choice,
): InlineKeyboardButton[][] {
  const button = (choice: Choice, arg: string): InlineKeyboardButton[] => [
    {
      text: `${choice.current ? '✓ ' : ''}${choice.label}`,
      callback_data: callbackData(token, arg),
    },
  ];
  const rows = choices.map((choice, i) => button(choice, String(i)));
  return defaultRow ? [...rows, button(defaultRow, DEFAULT_ARG)] : rows;
}

/**
 * The item a list button stands for: its arg must be a plain index into the list the bridge
 * registered ("", "1e0" or "-1" choose nothing).
 */
export function listChoice<T>(list: readonly T[] | undefined, arg: string): T | undefined {
  return list && /^(0|[1-9][0-9]{0,3})$/.test(arg) ? list[Number(arg)] : undefined;
}
