// The Stop button on a streaming draft (Bot API 10.3): Telegram stops only the draft and sends
// `stopped_message_generation`; the bridge stops the work, so the OpenCode turn is aborted at once
// and its partial answer is kept as a message marked stopped.
import type { BridgeContext, Feature } from '../context';
import { toError } from '../errors';

export function stopDraftFeature(context: BridgeContext): Feature {
  const log = context.logger('bridge');
  return {
    install(bot) {
      bot.on('stopped_message_generation', async (ctx) => {
        const stopped = ctx.update.stopped_message_generation;
        if (!stopped) return;
        const place = { chatId: stopped.chat.id, threadId: stopped.message_thread_id };
        try {
          const found = await context.turns.stopDraft(place, stopped.draft_id);
          log.info(
            found
              ? `Stop pressed in chat ${place.chatId}: the turn is aborted.`
              : `Stop pressed in chat ${place.chatId} on a draft no turn streams any more.`,
          );
        } catch (error) {
          log.error(`Could not stop the agent: ${toError(error).message}`);
        }
      });
    },
  };
}
