// A list the user picks from (/sessions, /projects, /model, /agent): one message with a button per
// choice, and once one was picked, the same message replaced by what was chosen.
import type { Context } from 'grammy';
import type { BridgeContext } from '../context';
import { placeOf } from '../context';
import { choiceRows, type Choice } from '../interaction/choices';
import type { Place } from '../telegram/messenger';
import { reply } from './prompt';

export interface ChoiceList {
  /** The button kind its presses are routed by. */
  kind: string;
  /** What the buttons stand for, kept under their token; a button carries only its index. */
  payload: Record<string, unknown>;
  html: string;
  choices: readonly Choice[];
  /** A last row for "OpenCode's default", pressed as `DEFAULT_ARG`. */
  defaultChoice?: Choice;
}

export async function offerChoices(
  context: BridgeContext,
  place: Place,
  list: ChoiceList,
): Promise<void> {
  const token = await context.buttons.register({
    kind: list.kind,
    chatId: place.chatId,
    payload: list.payload,
  });
  await reply(context, place, list.html, undefined, {
    inline_keyboard: choiceRows(token, list.choices, list.defaultChoice),
  });
}

/**
 * Replaces a list whose choice was made by what was chosen, so its spent buttons go away.
 * False when there was no message to edit or the edit failed.
 */
export async function closeList(
  context: BridgeContext,
  ctx: Context,
  html: string,
): Promise<boolean> {
  const place = placeOf(ctx);
  const messageId = ctx.callbackQuery?.message?.message_id;
  if (messageId === undefined) return false;
  return context.messenger
    .edit(place, messageId, `list:${place.chatId}:${messageId}`, () => html, {
      priority: 'interactive',
    })
    .then(
      () => true,
      () => false,
    );
}
