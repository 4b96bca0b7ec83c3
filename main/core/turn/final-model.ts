// The authoritative end of a turn, shared by the edit-in-place and the draft turn: the final model
// read back from OpenCode's stored messages (complete even if streamed events were missed), and
// the notice that makes the phone buzz.
import type { Logger } from '../log';
import type { OpencodeAdapter } from '../opencode/adapter';
import { renderNotice } from './render-turn';
import { TurnModel } from './turn-model';

const FINAL_MESSAGES_TO_READ = 50;

export async function readFinalModel(
  client: OpencodeAdapter,
  log: Logger,
  streamed: TurnModel,
): Promise<TurnModel> {
  try {
    const messages = await client.messages(streamed.sessionId, FINAL_MESSAGES_TO_READ);
    const final = TurnModel.fromMessages(
      streamed.sessionId,
      streamed.startedAt,
      messages,
      streamed.userMessageId,
    );
    // Errors and aborts arrive as session events and are not always on a stored message.
    final.error ??= streamed.error;
    final.aborted ||= streamed.aborted;
    // OpenCode reports errors and aborts before it saves them on the message: an unfinished
    // message then is not a crash.
    if (final.error || final.aborted) final.interrupted = false;
    // Storage is the truth, unless the turn was cut short before OpenCode saved the text the
    // phone already showed (it stores streamed text when a part completes).
    const cutShort = final.interrupted || final.aborted;
    if (!cutShort || final.answer.length >= streamed.answer.length) return final;
    streamed.interrupted = final.interrupted;
    streamed.error ??= final.error;
    streamed.aborted ||= final.aborted;
    streamed.status = { type: 'idle' };
  } catch (error) {
    log.warn(
      `Reading the final answer from OpenCode failed (${(error as Error).message}); using the streamed text.`,
    );
  }
  return streamed;
}

/** The short message after the answer; new, so the phone notifies (edits and drafts do not). */
export function finalNotice(final: TurnModel, now: number): string {
  return final.interrupted
    ? `⚠️ Interrupted: OpenCode stopped before the turn finished; above is what it had produced.`
    : renderNotice(final, now);
}
