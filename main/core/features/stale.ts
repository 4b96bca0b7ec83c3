// A message that waited a long time while the bridge was down is not run blindly: the user may have
// done it at the desk meanwhile, or no longer want it. That goes for a prompt, a photo or document
// with a caption, and a typed answer to the agent's question alike. They are told and can run it
// with one tap.
import type { Context } from 'grammy';
import type { BridgeContext, Feature } from '../context';
import { placeOf } from '../context';
import { callbackData, type ButtonPress } from '../interaction/buttons';
import type { Place } from '../telegram/messenger';
import { NO_LONGER_VALID } from './permissions';
import { reply } from './prompt';

export const DEFAULT_STALE_PROMPT_MS = 10 * 60 * 1000;

/**
 * What was held: typed text (run again as typed: an answer to an open question, else a prompt),
 * or a file's caption (a prompt with the files waiting in the chat, the held file among them).
 */
export interface HeldMessage {
  kind: 'text' | 'caption';
  text: string;
  messageId: number;
}

export function staleFeature(
  context: BridgeContext,
  /** Runs a held message once the user taps Run; `ctx` is the tap's. */
  run: (ctx: Context, place: Place, held: HeldMessage) => Promise<void>,
): Feature & {
  /** True when the message is too old to run; the user was offered a button instead. */
  holdIfStale(place: Place, held: HeldMessage, sentAtSeconds: number): Promise<boolean>;
} {
  const limitMs = context.settings.stalePromptMs ?? DEFAULT_STALE_PROMPT_MS;
  return {
    buttonKinds: ['stale'],

    async holdIfStale(place, held, sentAtSeconds) {
      const waitedMs = context.now() - sentAtSeconds * 1000;
      if (waitedMs <= limitMs) return false;
      const token = await context.buttons.register({
        kind: 'stale',
        chatId: place.chatId,
        payload: { text: held.text, messageId: held.messageId, held: held.kind },
      });
      const minutes = Math.round(waitedMs / 60_000);
      context
        .logger('bridge')
        .info(`Held a ${minutes}-minute-old message in chat ${place.chatId} for confirmation.`);
      await reply(
        context,
        place,
        `⏰ This message waited ${minutes} min while the bridge was offline, so it was not run. Run it now?`,
        held.messageId,
        {
          inline_keyboard: [[{ text: '▶️ Run it now', callback_data: callbackData(token, 'run') }]],
        },
      );
      return true;
    },

    async onButton(ctx: Context, press: ButtonPress) {
      const { text, messageId, held } = press.record.payload;
      if (typeof text !== 'string' || typeof messageId !== 'number' || press.arg !== 'run') {
        await ctx.answerCallbackQuery({ text: NO_LONGER_VALID });
        return;
      }
      await context.buttons.revoke(press.token);
      await ctx.answerCallbackQuery({ text: 'Running it now' });
      const place = placeOf(ctx);
      const promptId = ctx.callbackQuery?.message?.message_id;
      if (promptId !== undefined) {
        await context.messenger
          .edit(place, promptId, `stale:${place.chatId}:${promptId}`, () => '▶️ Running it now.', {
            priority: 'interactive',
          })
          .catch(() => undefined);
      }
      await run(ctx, place, { kind: held === 'caption' ? 'caption' : 'text', text, messageId });
    },
  };
}
