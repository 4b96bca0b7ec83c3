// Text (and files) from the phone become prompts to the chat's current session. The first message
// creates a session in the chat's project; a message sent while the agent works is queued by
// OpenCode and the user is told so.
import type { BridgeContext } from '../context';
import { toError } from '../errors';
import type { PromptPart } from '../opencode/adapter';
import type { ChatState } from '../state-store';
import { escapeHtml } from '../telegram/format';
import type { Place } from '../telegram/messenger';
import { crashHereForTest } from '../test-crash';

export type ChatWithSession = ChatState & { sessionId: string };

/** The chat's session, creating one in the chat's project folder on first use. */
export async function ensureSession(
  context: BridgeContext,
  place: Place,
): Promise<ChatWithSession> {
  const chat = context.chats.get(place);
  if (chat.sessionId) return chat as ChatWithSession;
  const session = await context.client.createSession(chat.directory);
  const updated = await context.chats.update(place, (c) => {
    c.sessionId = session.id;
    c.directory = session.directory;
  });
  context
    .logger('bridge')
    .info(`Chat ${place.chatId} → new session ${session.id} in ${session.directory}`);
  context.statusChanged();
  return updated as ChatWithSession;
}

export async function sendPrompt(
  context: BridgeContext,
  place: Place,
  parts: PromptPart[],
  replyTo: number | undefined,
  /** The update that asked for it: recorded before OpenCode gets the prompt, so it runs once. */
  updateId?: number,
): Promise<boolean> {
  const log = context.logger('bridge');
  const startedAt = context.now();
  let chat: ChatWithSession;
  let busy: boolean;
  try {
    chat = await ensureSession(context, place);
    busy = context.turns.isBusy(chat.sessionId);
    if (updateId !== undefined) await context.beforeSideEffect(updateId);
    const sessionId = chat.sessionId;
    const options = { model: chat.model, agent: chat.agent };
    const send = () => context.client.prompt(sessionId, parts, options);
    // Kept until OpenCode stores it: one it drops (a locked database) is sent again.
    if (!busy) context.turns.expectPrompt(sessionId, { place, replyTo, resend: send });
    try {
      await send();
    } catch (error) {
      context.turns.promptFailed(sessionId);
      throw error;
    }
    crashHereForTest('prompt');
  } catch (error) {
    const reason = toError(error).message;
    log.error(`A prompt from chat ${place.chatId} did not reach OpenCode: ${reason}`);
    await reply(
      context,
      place,
      `⚠️ Your message did not reach OpenCode: ${escapeHtml(reason)}`,
      replyTo,
    );
    return false;
  }
  const size = parts.map((p) =>
    p.type === 'text' ? `${p.text.length} chars` : `file ${p.filename ?? p.mime}`,
  );
  log.info(`Prompt from chat ${place.chatId} → session ${chat.sessionId} (${size.join(', ')})`);
  if (busy) {
    context.turns.noteQueued(chat.sessionId, replyTo);
    await reply(
      context,
      place,
      '📥 Queued: the agent takes this up when it finishes the current task.',
      replyTo,
    );
    return true;
  }
  context.turns.start(chat.sessionId, place, startedAt, { replyTo });
  return true;
}

/** A short answer to the user, ahead of streaming edits. Failures are logged, never thrown. */
export async function reply(
  context: BridgeContext,
  place: Place,
  html: string,
  replyTo?: number,
  keyboard?: Parameters<BridgeContext['messenger']['send']>[2]['keyboard'],
): Promise<number | undefined> {
  try {
    const message = await context.messenger.send(place, html, {
      priority: 'interactive',
      replyToMessageId: replyTo,
      keyboard,
    });
    return message.message_id;
  } catch (error) {
    context
      .logger('telegram')
      .error(`Could not reply in chat ${place.chatId}: ${toError(error).message}`);
    return undefined;
  }
}
