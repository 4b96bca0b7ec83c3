// /sessions, /new, /abort (/stop) and /status: pick up a session started at the desk, start a fresh
// one, stop the running turn, and see where things stand.
import type { Context } from 'grammy';
import type { BridgeContext, Feature } from '../context';
import { placeOf } from '../context';
import { toError } from '../errors';
import type { ButtonPress } from '../interaction/buttons';
import { listChoice } from '../interaction/choices';
import type { MessageWithParts, Session } from '../opencode/types';
import { escapeHtml, markdownToTelegramHtml, splitTelegramHtml } from '../telegram/format';
import type { Place } from '../telegram/messenger';
import { TurnModel } from '../turn/turn-model';
import { closeList, offerChoices } from './choice-list';
import { NO_LONGER_VALID } from './permissions';
import { reply } from './prompt';
import { topicFor, usesTopics } from './topics';

const LIST_LIMIT = 10;
/** Non-git folders all share OpenCode's "global" project: ask for more, keep this folder's. */
const FETCH_LIMIT = 50;

export function sessionsFeature(context: BridgeContext): Feature {
  const log = context.logger('bridge');

  const listSessions = async (ctx: Context): Promise<void> => {
    const place = placeOf(ctx);
    const chat = context.chats.get(place);
    let sessions: Session[];
    let busy: Record<string, unknown>;
    try {
      [sessions, busy] = await Promise.all([
        context.client.listSessions(chat.directory, FETCH_LIMIT),
        context.client.sessionStatus(),
      ]);
    } catch (error) {
      await reply(
        context,
        place,
        `⚠️ Could not list sessions: ${escapeHtml(toError(error).message)}`,
      );
      return;
    }
    sessions = sessionsOfFolder(sessions, chat.directory, LIST_LIMIT);
    if (sessions.length === 0) {
      await reply(
        context,
        place,
        `No sessions yet in <code>${escapeHtml(chat.directory)}</code>. Send a message or /new to start one.`,
      );
      return;
    }
    const now = context.now();
    await offerChoices(context, place, {
      kind: 'session',
      payload: { sessionIds: sessions.map((s) => s.id) },
      html: `Sessions in <code>${escapeHtml(chat.directory)}</code> — newest first:`,
      choices: sessions.map((s) => ({
        label: `${busy[s.id] ? '⏳ ' : ''}${clip(s.title, 40)} · ${age(now - s.time.updated)}`,
        current: s.id === chat.sessionId,
      })),
    });
  };

  const switchTo = async (ctx: Context, press: ButtonPress): Promise<void> => {
    const ids = press.record.payload['sessionIds'] as string[];
    const sessionId = listChoice(ids, press.arg);
    const place = placeOf(ctx);
    if (!sessionId) {
      await ctx.answerCallbackQuery({ text: NO_LONGER_VALID });
      return;
    }
    let session: Session;
    let messages: MessageWithParts[];
    try {
      [session, messages] = await Promise.all([
        context.client.getSession(sessionId),
        context.client.messages(sessionId, 20),
      ]);
    } catch (error) {
      await ctx.answerCallbackQuery({
        text: `Could not open that session: ${toError(error).message}`.slice(0, 200),
      });
      return;
    }
    await context.buttons.revoke(press.token);
    // Where topics exist every session has one of its own; elsewhere the chat switches sessions.
    let target = place;
    if (usesTopics(ctx)) {
      try {
        target = await topicFor(context, place.chatId, session);
      } catch (error) {
        await ctx.answerCallbackQuery({
          text: `Could not open a topic: ${toError(error).message}`.slice(0, 200),
        });
        return;
      }
    } else {
      await context.chats.update(place, (c) => {
        c.sessionId = session.id;
        c.directory = session.directory;
      });
    }
    await ctx.answerCallbackQuery({ text: `Switched to ${session.title}`.slice(0, 200) });
    log.info(`Chat ${place.chatId} → session ${session.id}`);
    context.statusChanged();
    await closeList(
      context,
      ctx,
      target === place
        ? `Now in <b>${escapeHtml(session.title)}</b>`
        : `Opened <b>${escapeHtml(session.title)}</b> in its own topic.`,
    );
    await showLastAnswer(context, target, session, messages);
    const status: Record<string, unknown> = await context.client.sessionStatus().catch(() => ({}));
    if (status[session.id]) await context.turns.follow(session.id, target);
  };

  const newSession = async (ctx: Context): Promise<void> => {
    const place = placeOf(ctx);
    const chat = context.chats.get(place);
    const title = typeof ctx.match === 'string' && ctx.match.trim() ? ctx.match.trim() : undefined;
    try {
      const session = await context.client.createSession(chat.directory, title);
      await context.chats.update(place, (c) => {
        c.sessionId = session.id;
      });
      log.info(`Chat ${place.chatId} → new session ${session.id} (/new)`);
      context.statusChanged();
      await reply(
        context,
        place,
        `🆕 New session <b>${escapeHtml(session.title)}</b> in <code>${escapeHtml(session.directory)}</code>. Send a message to start.`,
      );
    } catch (error) {
      await reply(
        context,
        place,
        `⚠️ Could not create a session: ${escapeHtml(toError(error).message)}`,
      );
    }
  };

  const abort = async (ctx: Context): Promise<void> => {
    const place = placeOf(ctx);
    const chat = context.chats.get(place);
    if (!chat.sessionId || !context.turns.isBusy(chat.sessionId)) {
      await reply(context, place, 'Nothing is running.');
      return;
    }
    try {
      await context.client.abort(chat.sessionId);
      log.info(`Chat ${place.chatId} stopped session ${chat.sessionId}`);
      await reply(context, place, '⏹ Stopping the agent…');
    } catch (error) {
      await reply(
        context,
        place,
        `⚠️ Could not stop the agent: ${escapeHtml(toError(error).message)}`,
      );
    }
  };

  const status = async (ctx: Context): Promise<void> => {
    const place = placeOf(ctx);
    const chat = context.chats.get(place);
    const lines = [`📁 Project: <code>${escapeHtml(chat.directory)}</code>`];
    const problem = context.opencodeProblem?.();
    if (problem) {
      // The reason says what to do; asking OpenCode now would only add raw errors.
      await reply(context, place, [...lines, `⚠️ ${escapeHtml(problem)}`].join('\n'));
      return;
    }
    try {
      if (chat.sessionId) {
        const [session, busy] = await Promise.all([
          context.client.getSession(chat.sessionId),
          context.client.sessionStatus(),
        ]);
        const state = busy[session.id];
        const tokens = session.tokens
          ? session.tokens.input + session.tokens.output + session.tokens.reasoning
          : 0;
        lines.push(
          `💬 Session: <b>${escapeHtml(session.title)}</b> <code>${escapeHtml(session.id)}</code>`,
          `⚙️ State: ${state ? (state.type === 'retry' ? `retrying (attempt ${state.attempt})` : 'working') : 'idle'}`,
          `🧠 Model: ${escapeHtml(chat.model ? `${chat.model.providerID}/${chat.model.modelID}` : session.model ? `${session.model.providerID}/${session.model.id}` : 'default')}`,
          `🤖 Agent: ${escapeHtml(chat.agent ?? session.agent ?? 'build')}`,
          `📊 ${tokens.toLocaleString('en-US')} tokens · $${(session.cost ?? 0).toFixed(4)}`,
        );
      } else {
        lines.push('💬 Session: none yet. Send a message or /new.');
        if (chat.model)
          lines.push(`🧠 Model: ${escapeHtml(`${chat.model.providerID}/${chat.model.modelID}`)}`);
        if (chat.agent) lines.push(`🤖 Agent: ${escapeHtml(chat.agent)}`);
      }
      lines.push(`💭 Reasoning: ${chat.showReasoning ? 'shown' : 'hidden'}`);
      const health = await context.client.health();
      lines.push(
        `🔌 OpenCode ${escapeHtml(health.version)} at <code>${escapeHtml(context.client.baseUrl)}</code>`,
      );
    } catch (error) {
      lines.push(`⚠️ ${escapeHtml(toError(error).message)}`);
    }
    await reply(context, place, lines.join('\n'));
  };

  return {
    commands: [
      { command: 'sessions', description: 'Recent sessions of this project; pick one to continue' },
      { command: 'new', description: 'Start a new session: /new [title]' },
      { command: 'abort', description: 'Stop the running turn (also /stop)' },
      { command: 'status', description: 'Project, session, model, agent, tokens and cost' },
    ],
    buttonKinds: ['session'],
    install(bot) {
      bot.command('sessions', listSessions);
      bot.command('new', newSession);
      bot.command(['abort', 'stop'], abort);
      bot.command('status', status);
    },
    onButton: switchTo,
  };
}

/** A session opened in a chat: its title and folder, and its last answer to read on from. */
export async function showLastAnswer(
  context: BridgeContext,
  place: Place,
  session: Session,
  messages: MessageWithParts[],
): Promise<void> {
  const lastUser = [...messages].reverse().find((m) => m.info.role === 'user');
  const answer = lastUser
    ? TurnModel.fromMessages(session.id, lastUser.info.time.created, messages).answer
    : '';
  const header = `📂 <b>${escapeHtml(session.title)}</b> in <code>${escapeHtml(session.directory)}</code>`;
  if (!answer) {
    await reply(context, place, `${header}\n<i>No answer yet. Send a message to continue.</i>`);
    return;
  }
  const chunks = splitTelegramHtml(
    `${header}\n\nLast answer:\n\n${markdownToTelegramHtml(answer)}`,
  );
  for (const chunk of chunks) await reply(context, place, chunk);
}

/**
 * The sessions to offer for a folder, newest first. A git project's sessions all belong to it
 * (whatever subfolder they started in); sessions of OpenCode's "global" project (folders that are
 * not git repositories) only when they were started in this very folder.
 */
export function sessionsOfFolder(
  sessions: readonly Session[],
  directory: string,
  limit: number,
): Session[] {
  return sessions
    .filter((s) => !s.parentID && (s.projectID !== 'global' || s.directory === directory))
    .sort((a, b) => b.time.updated - a.time.updated)
    .slice(0, limit);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function age(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}
