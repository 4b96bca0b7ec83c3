// The places the bridge talks in (private chats, forum topics) and what each works on: project
// folder, session, model, agent, reasoning. Backed by the state store, so it survives restarts.
import type { ChatState, StateStore } from './state-store';
import { chatKey } from './state-store';
import type { Place } from './telegram/messenger';

export class ChatDirectory {
  constructor(
    private readonly store: StateStore,
    private readonly defaultProject: string,
  ) {}

  get(place: Place): ChatState {
    const own = this.store.current.chats[chatKey(place.chatId, place.threadId)];
    if (own) return own;
    // A new forum topic starts from what the group's General topic works on.
    const general =
      place.threadId === undefined ? undefined : this.store.current.chats[chatKey(place.chatId)];
    return {
      chatId: place.chatId,
      threadId: place.threadId,
      directory: general?.directory ?? this.defaultProject,
      model: general?.model,
      agent: general?.agent,
      showReasoning: general?.showReasoning,
    };
  }

  async update(place: Place, change: (chat: ChatState) => void): Promise<ChatState> {
    const key = chatKey(place.chatId, place.threadId);
    const next: ChatState = { ...this.get(place) };
    change(next);
    await this.store.update((state) => void (state.chats[key] = next));
    return next;
  }

  /** Every place that follows a session (normally one). */
  placesOf(sessionId: string): Place[] {
    return Object.values(this.store.current.chats)
      .filter((chat) => chat.sessionId === sessionId)
      .map((chat) => ({ chatId: chat.chatId, threadId: chat.threadId }));
  }

  all(): ChatState[] {
    return Object.values(this.store.current.chats);
  }
}

export function placeOfChat(chat: ChatState): Place {
  return { chatId: chat.chatId, threadId: chat.threadId };
}
