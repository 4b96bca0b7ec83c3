// What the turn registry remembers of a session between its turns: where the next one starts.
import type { OpencodeAdapter } from '../opencode/adapter';

export interface SeenUserMessage {
  id: string;
  created: number;
}

export class SessionMemory {
  /**
   * The newest user message seen per session a chat follows (or with a live turn): where a turn
   * started at the desk begins. Forgotten when the session is deleted, or when its turn ends and
   * no chat follows it any more.
   */
  private readonly lastUserMessages = new Map<string, SeenUserMessage>();
  /**
   * Telegram messages whose prompts OpenCode queued behind a running turn, oldest first. Forgotten
   * when the session goes idle: by then OpenCode ran the queue or dropped it (an abort).
   */
  private readonly queued = new Map<string, number[]>();

  noteUserMessage(sessionId: string, message: SeenUserMessage): void {
    this.lastUserMessages.set(sessionId, message);
  }

  lastUserMessage(sessionId: string): SeenUserMessage | undefined {
    return this.lastUserMessages.get(sessionId);
  }

  forgetUserMessage(sessionId: string): void {
    this.lastUserMessages.delete(sessionId);
  }

  queue(sessionId: string, replyTo: number): void {
    this.queued.set(sessionId, [...(this.queued.get(sessionId) ?? []), replyTo]);
  }

  /** The Telegram message of the oldest queued prompt, taken off the queue. */
  nextQueued(sessionId: string): number | undefined {
    return this.queued.get(sessionId)?.shift();
  }

  dropQueue(sessionId: string): void {
    this.queued.delete(sessionId);
  }

  forget(sessionId: string): void {
    this.lastUserMessages.delete(sessionId);
    this.queued.delete(sessionId);
  }

  clear(): void {
    this.lastUserMessages.clear();
    this.queued.clear();
  }

  get userMessageCount(): number {
    return this.lastUserMessages.size;
  }

  get queuedCount(): number {
    return this.queued.size;
  }
}

/** The session's last user message in OpenCode's history: where its running turn began. */
export async function lastUserMessageIn(
  client: OpencodeAdapter,
  sessionId: string,
): Promise<SeenUserMessage | undefined> {
  try {
    const messages = await client.messages(sessionId, 20);
    const lastUser = messages.filter((m) => m.info.role === 'user').at(-1);
    return lastUser && { id: lastUser.info.id, created: lastUser.info.time.created };
  } catch {
    // Without history the turn shows what arrives from now on.
    return undefined;
  }
}
