// Where the news of a session no chat follows goes: each allowed user's private chat that has
// written to the bot, or the one home chat (in a forum group: the session's own topic, made once
// and reused). Holds prompts while the owner is at the desk and sends them when they leave.
import type { BridgeContext, DeskRouter } from '../context';
import { toError } from '../errors';
import type { Session } from '../opencode/types';
import { chatKey } from '../state-store';
import type { Place } from '../telegram/messenger';
import { topicFor } from '../features/topics';
import { deskHeader } from './desk-view';
import { chatNotify, wants, type DeskNews } from './notify-mode';
import type { Presence } from './presence';

export interface Away extends DeskRouter {
  /** True without a presence source (headless): then BRIDGE_NOTIFY alone decides. */
  isAway(): boolean;
  /** The chats that hear about `session`'s news; in a forum home chat, prompts get its topic. */
  places(news: DeskNews, session: Session): Promise<Place[]>;
  /** A project folder OpenCode reported an event in: its pending prompts are re-read too. */
  noteFolder(directory: string): void;
}

export function createAway(context: BridgeContext, presence: Presence | undefined): Away {
  const log = context.logger('desk');
  const allowed = new Set(context.settings.allowedUserIds);
  const fallback = context.settings.notify ?? 'all';
  const home = context.settings.homeChatId;
  /** Prompts raised while the owner was at the desk, by request id: how to send them now. */
  const held = new Map<string, () => void>();
  const seenFolders = new Set<string>();
  let homeIsForum: boolean | undefined;

  const isAway = (): boolean => presence?.isAway() ?? true;

  presence?.onChange((away) => {
    if (!away || held.size === 0) return;
    log.info(`Away from the desk: sending ${held.size} prompt(s) that are still open.`);
    const retries = [...held.values()];
    held.clear();
    for (const retry of retries) retry();
  });

  const modeOf = (chatId: number) =>
    chatNotify(context.store.current.chats[chatKey(chatId)]?.notify, fallback);

  const forumHome = async (chatId: number): Promise<boolean> => {
    if (chatId > 0) return false;
    if (homeIsForum === undefined) {
      try {
        const chat = await context.api.getChat(chatId);
        homeIsForum = chat.type === 'supergroup' && chat.is_forum === true;
      } catch (error) {
        log.warn(`Could not look up the home chat ${chatId}: ${toError(error).message}`);
        return false;
      }
    }
    return homeIsForum;
  };

  /** The session's own topic in the home forum; it follows the session from now on. */
  const topicOf = async (chatId: number, session: Session): Promise<Place> => {
    const place = await topicFor(context, chatId, session);
    const status: Record<string, unknown> = await context.client.sessionStatus().catch(() => ({}));
    // The turn that asks goes on in the topic, so its answer lands there too.
    if (status[session.id]) await context.turns.follow(session.id, place);
    return place;
  };

  const places = async (news: DeskNews, session: Session): Promise<Place[]> => {
    if (home !== undefined) {
      if (!wants(modeOf(home), news)) return [];
      if (news === 'prompt' && (await forumHome(home))) return [await topicOf(home, session)];
      return [{ chatId: home }];
    }
    return context.store.current.privateChats
      .filter((chatId) => allowed.has(chatId) && wants(modeOf(chatId), news))
      .map((chatId) => ({ chatId }));
  };

  return {
    isAway,
    places,
    noteFolder: (directory) => void seenFolders.add(directory),

    async promptPlaces(requestId, session, parent, retry) {
      seenFolders.add(session.directory);
      if (!isAway()) {
        held.set(requestId, retry);
        return undefined;
      }
      held.delete(requestId);
      const found = await places('prompt', parent ?? session);
      return found.length > 0 ? { places: found, header: deskHeader(session, parent) } : undefined;
    },

    release: (requestId) => void held.delete(requestId),

    async folders() {
      const projects = await context.client.projects().catch(() => []);
      // "/" is OpenCode's catch-all project of folders that are not git repositories.
      return [...seenFolders, ...projects.map((p) => p.worktree).filter((w) => w !== '/')];
    },
  };
}
