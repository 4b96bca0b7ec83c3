// The test-side API for drafts, private-chat topics and the old-server switch; FakeTelegram
// includes all of it. Misuse (pressing Stop on a draft that has no Stop button...) throws a
// plain Error, like the other user actions.
import type { Chat, Message, RichBlock, Update } from 'grammy/types';
import { botInfo, privateTopicsEnabled, openPrivateTopic } from './methods/private-topics';
import { TOPIC_ICON_COLORS } from './methods/forum';
import {
  DRAFT_TTL_MS,
  draftState,
  lastShown,
  richState,
  type DraftEnd,
  type DraftRecord,
  type DraftUpdate,
  type RichOptions,
} from './rich-state';
import type { FakeUser, Store } from './store';
import type { UpdateQueue } from './update-queue';

export type { DraftEnd, DraftUpdate, RichOptions };

export interface DraftView {
  chatId: number;
  threadId: number | undefined;
  draftId: number;
  /** 'active' while shown; else why it went away. */
  state: 'active' | DraftEnd;
  /** The latest shown update: its text ('' shows "Thinking…"), rich content and buttons. */
  text: string;
  rich: RichBlock[] | undefined;
  canStop: boolean;
  keepOnStop: boolean;
  updatedAt: number;
  /** updatedAt + 30 s. */
  expiresAt: number;
  stoppedAt: number | undefined;
  /** When it stopped being shown (expiry, a bot message, another draft id, Stop). */
  endedAt: number | undefined;
  /** Every update, oldest first (updates after Stop have shown: false). */
  history: readonly DraftUpdate[];
}

export interface RichTestApi {
  /** Drafts shown now in a chat (threadId undefined: every thread), oldest first. */
  drafts(chatId: number, threadId?: number): DraftView[];
  /** Every draft the bot ever sent (to one chat, if given), oldest first. */
  draftHistory(chatId?: number): DraftView[];
  /**
   * The user presses Stop on the shown draft: emits `stopped_message_generation` (delivered
   * unless allowed_updates was set without it). Without keep_on_stop the draft vanishes at once.
   */
  userPressesStop(
    chatId: number,
    threadId: number | undefined,
    draftId: number,
  ): Update | undefined;
  /** The user creates a topic in their private chat (needs topic mode + users may create). */
  userCreatesTopic(input: { from: FakeUser; chatId: number; name: string; iconColor?: number }): {
    threadId: number;
    message: Message;
    update: Update | undefined;
  };
  /** Turns the bot's private-chat topic mode on/off, as @BotFather does; getMe follows. */
  setPrivateTopicMode(mode: { enabled: boolean; usersCanCreate?: boolean }): void;
  /** See RichOptions.legacyServer. */
  setLegacyServer(on: boolean): void;
}

export function configureRich(store: Store, options: RichOptions & { rateLimits?: unknown }): void {
  const state = richState(store);
  state.legacy = options.legacyServer ?? false;
  const limit = options.draftRateLimit;
  state.draftsPerSecond =
    limit === false
      ? undefined
      : (limit?.perSecond ?? (options.rateLimits === false ? undefined : 5));
}

function view(draft: DraftRecord, now: number): DraftView {
  const last = lastShown(draft);
  const state = draftState(draft, now);
  return {
    chatId: draft.chatId,
    threadId: draft.threadId,
    draftId: draft.draftId,
    state,
    text: last.text,
    rich: last.rich,
    canStop: last.canStop,
    keepOnStop: last.keepOnStop,
    updatedAt: last.at,
    expiresAt: last.at + DRAFT_TTL_MS,
    stoppedAt: draft.stoppedAt,
    endedAt: draft.ended?.at ?? (state === 'expired' ? last.at + DRAFT_TTL_MS : undefined),
    history: draft.history,
  };
}

export function richTestApi(store: Store, queue: UpdateQueue, now: () => number): RichTestApi {
  const state = richState(store);
  return {
    drafts: (chatId, threadId) =>
      state.drafts
        .filter((d) => d.chatId === chatId && (threadId === undefined || d.threadId === threadId))
        .map((d) => view(d, now()))
        .filter((d) => d.state === 'active'),

    draftHistory: (chatId) =>
      state.drafts
        .filter((d) => chatId === undefined || d.chatId === chatId)
        .map((d) => view(d, now())),

    userPressesStop(chatId, threadId, draftId) {
      const at = now();
      const draft = state.activeDraft(chatId, threadId, at);
      if (!draft || draft.draftId !== draftId) {
        throw new Error(
          `userPressesStop: no draft ${draftId} shown in chat ${chatId}/${threadId ?? '-'}`,
        );
      }
      const last = lastShown(draft);
      if (!last.canStop) throw new Error(`userPressesStop: draft ${draftId} has no Stop button`);
      if (draft.stoppedAt !== undefined)
        throw new Error(`userPressesStop: draft ${draftId} was stopped`);
      draft.stoppedAt = at;
      if (!last.keepOnStop) draft.ended = { reason: 'stopped', at };
      const chat = store.chat(chatId)!.chat as Chat.PrivateChat;
      const update = queue.push({
        stopped_message_generation: {
          chat,
          ...(threadId !== undefined ? { message_thread_id: threadId } : {}),
          draft_id: draftId,
        },
      });
      store.changed();
      return update;
    },

    userCreatesTopic(input) {
      const chat = store.chat(input.chatId);
      if (!chat || chat.chat.type !== 'private' || chat.chat.id !== input.from.id) {
        throw new Error(
          `userCreatesTopic: ${input.chatId} is not the private chat of ${input.from.id}`,
        );
      }
      if (!privateTopicsEnabled(store) || !botInfo(store).allows_users_to_create_topics) {
        throw new Error(
          'userCreatesTopic: the bot does not let users create topics (setPrivateTopicMode)',
        );
      }
      const { topic, message } = openPrivateTopic(store, chat, {
        name: input.name,
        iconColor: input.iconColor ?? TOPIC_ICON_COLORS[0]!,
        from: { ...input.from, is_bot: false },
        byBot: false,
        now: now(),
      });
      const update = queue.push({ message: message as Update['message'] & object });
      store.changed();
      return { threadId: topic.threadId, message, update };
    },

    setPrivateTopicMode({ enabled, usersCanCreate }) {
      const bot = botInfo(store);
      bot.has_topics_enabled = enabled;
      bot.allows_users_to_create_topics = enabled && (usersCanCreate ?? false);
      store.changed();
    },

    setLegacyServer(on) {
      state.legacy = on;
      store.changed();
    },
  };
}
