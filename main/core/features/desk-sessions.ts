// Sessions no chat follows (started at the desk with `opencode attach`, in any project folder, and
// their sub-agents) reach the phone when they need the user: their prompts go to every allowed
// user's private chat (or the home chat), headed by the session's title and folder, and a long
// turn that ends there says so with a Continue here button. While the owner is at the desk (the
// app's presence source) nothing is sent; a prompt still open when they leave is sent then.
import type { Context } from 'grammy';
import type { Away } from '../away/away-router';
import { DeskTurnTracker, type EndedTurn } from '../away/desk-turns';
import { continueKeyboard, deskTurnNotice } from '../away/desk-view';
import { CHAT_NOTIFY, chatNotify, describeNotify, type ChatNotify } from '../away/notify-mode';
import type { BridgeContext, Feature } from '../context';
import { placeOf } from '../context';
import { toError } from '../errors';
import type { ButtonPress } from '../interaction/buttons';
import type { Session } from '../opencode/types';
import { chatKey, type PromptCopy } from '../state-store';
import { escapeHtml } from '../telegram/format';
import type { Place } from '../telegram/messenger';
import { TurnModel } from '../turn/turn-model';
import { NO_LONGER_VALID } from './permissions';
import { reply } from './prompt';
import { showLastAnswer } from './sessions';
import { topicFor, usesTopics } from './topics';

export const DEFAULT_MIN_TURN_MS = 30_000;
/** Clocks of bridge and server are the same machine's; allow for a little scheduling slack. */
const CLOCK_SLACK_MS = 2000;

export interface DeskFeatures {
  /** Installed first: notes every private chat that writes to the bot. */
  listener: Feature;
  /** /notify, the turn notices and Continue here. */
  feature: Feature;
}

export function deskSessionsFeature(context: BridgeContext, away: Away): DeskFeatures {
  const log = context.logger('desk');
  const tracker = new DeskTurnTracker();
  const minTurnMs = context.settings.notifyMinTurnMs ?? DEFAULT_MIN_TURN_MS;
  context.desk = away;

  const turnEnded = async (turn: EndedTurn): Promise<void> => {
    if (turn.endedAt - turn.startedAt < minTurnMs) return;
    if (context.chats.placesOf(turn.sessionId).length > 0 || !away.isAway()) return;
    const session = await context.client.getSession(turn.sessionId);
    // A sub-agent's turn is a step of its parent's: the parent's own turn tells.
    if (session.parentID) return;
    const places = await away.places('turn', session);
    const [first] = places;
    if (!first) return;
    const messages = await context.client.messages(session.id, 20);
    const model = TurnModel.fromMessages(session.id, turn.startedAt - CLOCK_SLACK_MS, messages);
    const html = deskTurnNotice(session, turn, model);
    const token = await context.buttons.register({
      kind: 'desk-continue',
      chatId: first.chatId,
      ...(places.length > 1 ? { chatIds: places.map((p) => p.chatId) } : {}),
      payload: { sessionId: session.id, html },
    });
    const sent: PromptCopy[] = [];
    for (const place of places) {
      try {
        const message = await context.messenger.send(place, html, {
          priority: 'final',
          keyboard: continueKeyboard(token),
        });
        sent.push({ ...place, messageId: message.message_id });
      } catch (error) {
        log.warn(
          `Could not tell chat ${place.chatId} about a desk turn: ${toError(error).message}`,
        );
      }
    }
    await context.store.update((state) => {
      const button = state.buttons[token];
      if (button) button.payload['messages'] = sent;
    });
    log.info(`Told ${sent.length} chat(s) that desk session ${session.id} ended a turn.`);
  };

  /** Continue here: this chat (or a topic of its own, in a forum) follows the session from now on. */
  const continueHere = async (ctx: Context, press: ButtonPress): Promise<void> => {
    const sessionId = press.record.payload['sessionId'];
    if (typeof sessionId !== 'string' || press.arg !== 'c') {
      await ctx.answerCallbackQuery({ text: NO_LONGER_VALID });
      return;
    }
    const place = placeOf(ctx);
    let session: Session;
    let target: Place = place;
    try {
      session = await context.client.getSession(sessionId);
      if (usesTopics(ctx)) target = await topicFor(context, place.chatId, session);
      else {
        await context.chats.update(place, (c) => {
          c.sessionId = session.id;
          c.directory = session.directory;
        });
      }
    } catch (error) {
      await ctx.answerCallbackQuery({
        text: `Could not open that session: ${toError(error).message}`.slice(0, 200),
      });
      return;
    }
    await context.buttons.revoke(press.token);
    await ctx.answerCallbackQuery({ text: `Continuing ${session.title} here`.slice(0, 200) });
    log.info(`Chat ${place.chatId} continues desk session ${session.id}`);
    context.statusChanged();
    const saved = press.record.payload['html'];
    const html = typeof saved === 'string' ? saved : '';
    const copies = (press.record.payload['messages'] ?? []) as PromptCopy[];
    for (const copy of copies) {
      const here = copy.chatId === place.chatId && copy.threadId === place.threadId;
      const note = here ? '▶️ <i>Continued here.</i>' : '<i>Continued in another chat.</i>';
      await context.messenger
        .edit(
          copy,
          copy.messageId,
          `desk:${copy.chatId}:${copy.messageId}`,
          () => `${html}\n\n${note}`,
          {
            priority: 'interactive',
          },
        )
        .catch((error: unknown) =>
          log.warn(`Could not update a notice: ${toError(error).message}`),
        );
    }
    const messages = await context.client.messages(session.id, 20).catch(() => []);
    await showLastAnswer(context, target, session, messages);
    const status: Record<string, unknown> = await context.client.sessionStatus().catch(() => ({}));
    if (status[session.id]) await context.turns.follow(session.id, target);
  };

  const notify = async (ctx: Context): Promise<void> => {
    const place = placeOf(ctx);
    const chat = { chatId: place.chatId };
    const arg = typeof ctx.match === 'string' ? ctx.match.trim().toLowerCase() : '';
    if ((CHAT_NOTIFY as readonly string[]).includes(arg)) {
      await context.chats.update(chat, (c) => {
        c.notify = arg as ChatNotify;
      });
      log.info(`Chat ${place.chatId}: /notify ${arg}`);
      await reply(context, place, `🔔 ${escapeHtml(describeNotify(arg as ChatNotify))}`);
      return;
    }
    const own = context.store.current.chats[chatKey(place.chatId)]?.notify;
    const mode = chatNotify(own, context.settings.notify ?? 'all');
    await reply(
      context,
      place,
      `${arg === '' ? '' : `I do not know /notify ${escapeHtml(arg)}. `}🔔 Now: <b>${mode}</b>. ${escapeHtml(describeNotify(mode))}\n` +
        'Use /notify all, /notify prompts or /notify off.',
    );
  };

  return {
    listener: {
      install(bot) {
        // A bot can only write to users who wrote to it first: remember who did.
        bot.use(async (ctx, next) => {
          const chat = ctx.chat;
          if (chat?.type === 'private' && !context.store.current.privateChats.includes(chat.id)) {
            await context.store.update((state) => {
              state.privateChats = [...state.privateChats, chat.id];
            });
            log.info(`Chat ${chat.id} can now hear about sessions started at the desk.`);
          }
          await next();
        });
      },
    },
    feature: {
      commands: [
        {
          command: 'notify',
          description: 'What desk sessions send here: /notify all|prompts|off',
        },
      ],
      buttonKinds: ['desk-continue'],
      install(bot) {
        bot.command('notify', notify);
      },
      onButton: continueHere,
      onFolder: (directory) => away.noteFolder(directory),
      onEvent(event) {
        const ended = tracker.apply(event, context.now());
        if (ended) {
          turnEnded(ended).catch((error: unknown) =>
            log.warn(`Could not tell about a desk turn: ${toError(error).message}`),
          );
        }
      },
    },
  };
}
