// One forum topic per session in a forum supergroup, and in a private chat whose bot has topic
// mode (@BotFather, Bot API 9.3+): a session opened from the phone gets a topic of its own named
// after it, its output goes there, and the topic follows OpenCode's retitling. A topic the user
// creates in the private chat starts a session of its own. The General topic (and a private chat
// outside any topic) works as a private chat always did.
import type { Context } from 'grammy';
import type { BridgeContext, Feature } from '../context';
import { placeOf } from '../context';
import { toError } from '../errors';
import { escapeHtml } from '../telegram/format';
import { reply } from './prompt';
import type { Session } from '../opencode/types';
import type { Place } from '../telegram/messenger';

/** Telegram's limit for a topic name. */
const TOPIC_NAME_MAX = 128;

export function isForum(ctx: Context): boolean {
  return ctx.chat?.type === 'supergroup' && ctx.chat.is_forum === true;
}

/** Sessions get topics here: a forum, or a private chat with a bot in topic mode. */
export function usesTopics(ctx: Context): boolean {
  return isForum(ctx) || (ctx.chat?.type === 'private' && ctx.me.has_topics_enabled === true);
}

export function topicName(title: string): string {
  const name = title.trim() || 'OpenCode session';
  return name.length > TOPIC_NAME_MAX ? `${name.slice(0, TOPIC_NAME_MAX - 1)}…` : name;
}

/** The topic that shows `session` in this group, creating it (and binding it) when there is none. */
export async function topicFor(
  context: BridgeContext,
  chatId: number,
  session: Session,
): Promise<Place> {
  const existing = context.chats
    .all()
    .find((c) => c.chatId === chatId && c.threadId !== undefined && c.sessionId === session.id);
  if (existing) return { chatId, threadId: existing.threadId };
  const name = topicName(session.title);
  const topic = await context.messenger.call(chatId, 'interactive', () =>
    context.api.createForumTopic(chatId, name),
  );
  const place = { chatId, threadId: topic.message_thread_id };
  await context.chats.update(place, (c) => {
    c.sessionId = session.id;
    c.directory = session.directory;
    c.topicName = name;
  });
  context
    .logger('bridge')
    .info(`Opened session ${session.id} in topic ${topic.message_thread_id} of chat ${chatId}`);
  context.statusChanged();
  return place;
}

export function topicsFeature(context: BridgeContext): Feature {
  const rename = async (sessionId: string, title: string): Promise<void> => {
    const name = topicName(title);
    for (const chat of context.chats.all()) {
      if (chat.sessionId !== sessionId || chat.threadId === undefined || chat.topicName === name)
        continue;
      const place = { chatId: chat.chatId, threadId: chat.threadId };
      await context.chats.update(place, (c) => {
        c.topicName = name;
      });
      try {
        await context.messenger.call(chat.chatId, 'final', () =>
          context.api.editForumTopic(chat.chatId, chat.threadId as number, { name }),
        );
      } catch (error) {
        context
          .logger('telegram')
          .warn(`Could not rename topic ${chat.threadId}: ${toError(error).message}`);
      }
    }
  };

  /** /new in a forum: a new session in a topic of its own, named after it. */
  const newInTopic = async (ctx: Context): Promise<void> => {
    const general = placeOf(ctx);
    const chatId = general.chatId;
    const chat = context.chats.get(general);
    const title = typeof ctx.match === 'string' && ctx.match.trim() ? ctx.match.trim() : undefined;
    try {
      const session = await context.client.createSession(chat.directory, title);
      const place = await topicFor(context, chatId, session);
      await reply(
        context,
        place,
        `🆕 New session <b>${escapeHtml(session.title)}</b> in <code>${escapeHtml(session.directory)}</code>. Messages in this topic go to it.`,
      );
    } catch (error) {
      await reply(
        context,
        general,
        `⚠️ Could not open a new session: ${escapeHtml(toError(error).message)}`,
      );
    }
  };

  /** A topic the user opened in the private chat: a new session, named after it, lives there. */
  const userTopic = async (ctx: Context): Promise<void> => {
    const place = placeOf(ctx);
    const name = ctx.msg?.forum_topic_created?.name;
    if (ctx.from?.is_bot || place.threadId === undefined || !name) return;
    if (context.chats.get(place).sessionId) return;
    try {
      const session = await context.client.createSession(context.chats.get(place).directory, name);
      await context.chats.update(place, (c) => {
        c.sessionId = session.id;
        c.directory = session.directory;
        c.topicName = topicName(name);
      });
      context.statusChanged();
      await reply(
        context,
        place,
        `🆕 New session <b>${escapeHtml(session.title)}</b> in <code>${escapeHtml(session.directory)}</code>. Messages in this topic go to it.`,
      );
    } catch (error) {
      await reply(
        context,
        place,
        `⚠️ Could not open a session for this topic: ${escapeHtml(toError(error).message)}`,
      );
    }
  };

  return {
    install(bot) {
      // Registered before the private-chat /new: where topics exist, every session gets its own.
      bot.command('new', async (ctx, next) => (usesTopics(ctx) ? newInTopic(ctx) : next()));
      bot.on('message:forum_topic_created', async (ctx, next) =>
        ctx.chat.type === 'private' ? userTopic(ctx) : next(),
      );
    },

    onEvent(event) {
      if (event.type === 'session-retitled') {
        rename(event.sessionId, event.title).catch((error: unknown) =>
          context.logger('bridge').error(`Renaming a topic failed: ${toError(error).message}`),
        );
      }
    },
  };
}
